/* test_audio_decode.c — decoding: 16-bit samples scaled as torchaudio.load does, stereo mix-down,
 * resampling lengths and content, pad/crop, and each kind of bad audio refused with its reason;
 * then the corpus scanner on a small folder (classes, noise, lists, which_set). Files are written
 * with libsndfile into a temporary folder. */
#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audio/corpus.h"
#include "audio/decode.h"
#include "audio/split.h"
#include "core/rng.h"
#include "harness.h"

static char dir[256];

static const char *path_of(const char *name)
{
    static char p[4][600];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static int write_wav(const char *name, int rate, int channels, int format, const float *x, long frames)
{
    SF_INFO info = {0};
    info.samplerate = rate;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | format;
    SNDFILE *f = sf_open(path_of(name), SFM_WRITE, &info);
    if (!f) return -1;
    sf_command(f, SFC_SET_CLIPPING, NULL, SF_TRUE);
    long w = (long)sf_writef_float(f, x, frames);
    sf_close(f);
    return w == frames ? 0 : -1;
}

static void test_pcm16_scaling(void)
{
    float x[1000];
    for (int i = 0; i < 1000; i++) x[i] = (float)((i % 200) - 100) / 128.0f;   /* exact in 16 bits */
    CHECK(write_wav("a.wav", 16000, 1, SF_FORMAT_PCM_16, x, 1000) == 0, "write");
    audio_decoder d;
    audio_decoder_init(&d, 16000);
    audio_decoded o;
    ws_err e = {0};
    CHECK(audio_decode(&d, path_of("a.wav"), 0, &o, &e) == 0, "%.300s", e.msg);
    CHECK(o.n == 1000 && o.src_rate == 16000 && o.channels == 1, "n %zu rate %d", o.n, o.src_rate);
    double worst = 0;
    for (size_t i = 0; i < o.n; i++) worst = fmax(worst, fabs(o.samples[i] - x[i]));
    CHECK(worst == 0, "16-bit samples not scaled by 1/32768 (off by %g)", worst);
    CHECK(audio_decode(&d, path_of("a.wav"), 0.01, &o, &e) == 0 && o.n == 160, "max_seconds read %zu", o.n);
    audio_decoder_release(&d);
}

/* A file over 16 MiB is streamed from disk rather than read whole (decode.c): both paths give
 * the same samples. 10 minutes of 16-bit mono at 16 kHz is 19.2 MB. */
static void test_large_file_streamed(void)
{
    enum { N = 16000 * 600 };
    float *x = malloc(sizeof(float) * N);
    CHECK(x != NULL, "out of memory");
    if (!x) return;
    for (long i = 0; i < N; i++) x[i] = (float)((i * 7919 % 2001) - 1000) / 1024.0f;   /* exact in 16 bits */
    CHECK(write_wav("long.wav", 16000, 1, SF_FORMAT_PCM_16, x, N) == 0, "write");
    struct stat st;
    CHECK(stat(path_of("long.wav"), &st) == 0 && st.st_size > (16 << 20), "size %lld", (long long)st.st_size);
    audio_decoder d;
    audio_decoder_init(&d, 16000);
    audio_decoded o;
    ws_err e = {0};
    CHECK(audio_decode(&d, path_of("long.wav"), 0, &o, &e) == 0 && o.n == N && o.file_bytes == (long long)st.st_size,
          "n %zu: %.300s", o.n, e.msg);
    long bad = 0;
    for (long i = 0; i < N && o.n == N; i++) bad += o.samples[i] != x[i];
    CHECK(bad == 0, "%ld samples differ", bad);
    CHECK(audio_decode(&d, path_of("long.wav"), 2.0, &o, &e) == 0 && o.n == 32000, "max_seconds read %zu", o.n);
    audio_decoder_release(&d);
    free(x);
    unlink(path_of("long.wav"));
}

static void test_stereo_resample(void)
{
    enum { N = 22050 };
    float *x = malloc(sizeof(float) * 2 * N);
    for (int i = 0; i < N; i++) {
        x[2 * i] = 0.5f * (float)sin(2 * M_PI * 440.0 * i / 22050);
        x[2 * i + 1] = 0.1f;
    }
    CHECK(write_wav("st.wav", 22050, 2, SF_FORMAT_FLOAT, x, N) == 0, "write");
    free(x);
    audio_decoder d;
    audio_decoder_init(&d, 16000);
    audio_decoded o;
    ws_err e = {0};
    CHECK(audio_decode(&d, path_of("st.wav"), 0, &o, &e) == 0, "%.300s", e.msg);
    CHECK(labs((long)o.n - 16000) <= 2 && o.channels == 2 && o.src_rate == 22050, "resampled to %zu samples", o.n);
    /* mean of the channels: 0.25 sin + 0.05; check the DC and the tone's amplitude mid-signal */
    double mean = 0, peak = 0;
    for (size_t i = 4000; i < 12000; i++) { mean += o.samples[i]; peak = fmax(peak, fabs(o.samples[i] - 0.05)); }
    mean /= 8000;
    CHECK(fabs(mean - 0.05) < 1e-3 && fabs(peak - 0.25) < 2e-3, "mix-down: mean %g, peak %g", mean, peak);
    audio_decoder_release(&d);
}

/* Lengths after resampling are torchaudio's, ceil(n * 16000 / rate) (torchaudio.functional.resample:
 * target_length = ceil(new_freq * length / orig_freq)); libsamplerate alone ends one short for
 * some of these (11025 Hz x 7717, 44100 Hz x 44100 and 1336230 samples gave n - 1). */
static void test_resample_length(void)
{
    static const struct { int rate; int n; size_t torchaudio; } cases[] = {
        {11025, 7717, 11200}, {11025, 334057, 484800}, {44100, 44100, 16000}, {44100, 1336230, 484800},
        {22050, 15435, 11200}, {48000, 33600, 11200}, {8000, 5600, 11200}, {22050, 1001, 727},
    };
    audio_decoder d;
    audio_decoder_init(&d, 16000);
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        float *x = malloc(sizeof(float) * (size_t)cases[c].n);
        ws_rng r;
        ws_rng_seed(&r, 7);
        for (int i = 0; i < cases[c].n; i++) x[i] = 0.1f * (float)(ws_rng_uniform(&r) - 0.5);
        CHECK(write_wav("len.wav", cases[c].rate, 1, SF_FORMAT_FLOAT, x, cases[c].n) == 0, "write");
        free(x);
        audio_decoded o;
        ws_err e = {0};
        CHECK(audio_decode(&d, path_of("len.wav"), 0, &o, &e) == 0, "%.300s", e.msg);
        CHECK(o.n == cases[c].torchaudio, "%d samples at %d Hz: %zu after resampling, torchaudio gives %zu",
              cases[c].n, cases[c].rate, o.n, cases[c].torchaudio);
    }
    audio_decoder_release(&d);
    unlink(path_of("len.wav"));
}

static void test_fit_length(void)
{
    float x[5] = {1, 2, 3, 4, 5}, y[8];
    audio_fit_length(x, 5, y, 8);
    CHECK(y[4] == 5 && y[5] == 0 && y[7] == 0, "pad");
    audio_fit_length(x, 5, y, 3);
    CHECK(y[0] == 1 && y[2] == 3, "crop");
}

static void expect_bad(const char *name, const char *reason)
{
    audio_decoder d;
    audio_decoder_init(&d, 16000);
    audio_decoded o;
    ws_err e = {0};
    int rc = audio_decode(&d, path_of(name), 0, &o, &e);
    CHECK(rc < 0 && e.kind == WS_EINPUT && strstr(e.msg, reason) && strstr(e.msg, name), "%s: rc %d '%s'", name, rc, e.msg);
    audio_decoder_release(&d);
}

static void test_bad_audio(void)
{
    float x[4 * 800];
    for (int i = 0; i < 4 * 800; i++) x[i] = 0.1f * (float)sin(i / 3.0);
    write_wav("four.wav", 16000, 4, SF_FORMAT_PCM_16, x, 800);
    write_wav("slow.wav", 500, 1, SF_FORMAT_PCM_16, x, 800);
    write_wav("zero.wav", 16000, 1, SF_FORMAT_PCM_16, x, 0);
    x[100] = NAN;
    write_wav("nan.wav", 16000, 1, SF_FORMAT_FLOAT, x, 800);
    x[100] = INFINITY;
    write_wav("inf.wav", 16000, 1, SF_FORMAT_FLOAT, x, 800);
    x[100] = 0;
    write_wav("cut.wav", 16000, 1, SF_FORMAT_PCM_16, x, 800);
    CHECK(truncate(path_of("cut.wav"), 44 + 700) == 0, "truncate");
    FILE *f = fopen(path_of("empty.wav"), "w");
    fclose(f);
    f = fopen(path_of("text.wav"), "w");
    fputs("RIFF? no, just text\n", f);
    fclose(f);
    expect_bad("four.wav", "4 channels (at most 2)");
    expect_bad("slow.wav", "absurd sample rate 500 Hz");
    expect_bad("zero.wav", "zero length");
    expect_bad("nan.wav", "non-finite sample (NaN or Inf) at frame 100");
    expect_bad("inf.wav", "non-finite sample");
    expect_bad("cut.wav", "truncated");
    expect_bad("empty.wav", "empty file");
    expect_bad("text.wav", "not audio");
    expect_bad("missing.wav", "cannot open");
}

/* Four threads decoding at once, as featurize's workers do, half of them files that are not
 * audio: each refusal names libsndfile's reason for that file. libsndfile keeps the reason of a
 * failed open in a global, which another thread's open resets: featurize skipped files as
 * "not audio (No Error.)". */
typedef struct { const char *bad, *good; char wrong[300]; } race_arg;

static void *race_worker(void *p)
{
    race_arg *a = p;
    audio_decoder d;
    audio_decoder_init(&d, 16000);
    for (int i = 0; i < 2000 && !a->wrong[0]; i++) {
        audio_decoded o;
        ws_err e = {0};
        int bad = i % 2 == 0;
        int rc = audio_decode(&d, bad ? a->bad : a->good, 0, &o, &e);
        if (bad && (rc == 0 || !strstr(e.msg, "(Format not recognised.)")))
            snprintf(a->wrong, sizeof a->wrong, "%.250s", rc == 0 ? "decoded" : e.msg);
        else if (!bad && rc != 0)
            snprintf(a->wrong, sizeof a->wrong, "good file: %.250s", e.msg);
    }
    audio_decoder_release(&d);
    return NULL;
}

static void test_bad_audio_threads(void)
{
    float x[1600];
    for (int i = 0; i < 1600; i++) x[i] = 0.1f * (float)sin(i / 3.0);
    CHECK(write_wav("race_good.wav", 16000, 1, SF_FORMAT_PCM_16, x, 1600) == 0, "write");
    FILE *f = fopen(path_of("race_text.wav"), "w");
    fputs("not a sound at all\n", f);
    fclose(f);
    enum { N = 4 };
    pthread_t th[N];
    race_arg a[N];
    char bad[600], good[600];
    snprintf(bad, sizeof bad, "%s", path_of("race_text.wav"));
    snprintf(good, sizeof good, "%s", path_of("race_good.wav"));
    memset(a, 0, sizeof a);
    for (int t = 0; t < N; t++) { a[t].bad = bad; a[t].good = good; }
    for (int t = 0; t < N; t++) CHECK(pthread_create(&th[t], NULL, race_worker, &a[t]) == 0, "pthread_create");
    for (int t = 0; t < N; t++) pthread_join(th[t], NULL);
    for (int t = 0; t < N; t++) CHECK(!a[t].wrong[0], "thread %d: %s", t, a[t].wrong);
}

static void write_text(const char *name, const char *text)
{
    FILE *f = fopen(path_of(name), "w");
    fputs(text, f);
    fclose(f);
}

static void test_corpus_layout(void)
{
    float x[1600] = {0};
    char sub[700];
    static const char *const dirs[] = {"c", "c/yes", "c/no", "c/_background_noise_", "c/_other_"};
    for (int i = 0; i < 5; i++) { snprintf(sub, sizeof sub, "%s/%s", dir, dirs[i]); mkdir(sub, 0700); }
    write_wav("c/yes/s1_nohash_0.wav", 16000, 1, SF_FORMAT_PCM_16, x, 1600);
    write_wav("c/yes/s2_nohash_0.wav", 16000, 1, SF_FORMAT_PCM_16, x, 1600);
    write_wav("c/no/s1_nohash_1.flac", 16000, 1, SF_FORMAT_PCM_16, x, 1600);
    write_wav("c/_background_noise_/n.wav", 16000, 1, SF_FORMAT_PCM_16, x, 1600);
    write_wav("c/_other_/o1_nohash_0.wav", 16000, 1, SF_FORMAT_PCM_16, x, 1600);   /* a class: only _background_noise_ is not */
    write_text("c/yes/notes.txt", "ignored\n");
    write_text("c/_background_noise_/README.md", "ignored\n");
    audio_corpus c;
    ws_err e = {0};
    CHECK(audio_corpus_scan(&c, path_of("c/"), &e) == 0, "%.300s", e.msg);
    CHECK(c.n_classes == 3 && !strcmp(c.classes[0], "_other_") && !strcmp(c.classes[1], "no") && !strcmp(c.classes[2], "yes"),
          "classes");
    CHECK(c.n_clips == 4 && c.n_noise == 1 && !strcmp(c.noise[0].path, "_background_noise_/n.wav"), "items %zu %zu", c.n_clips, c.n_noise);
    CHECK(!strcmp(c.clips[0].path, "_other_/o1_nohash_0.wav") && c.clips[0].label == 0 &&
          !strcmp(c.clips[1].path, "no/s1_nohash_1.flac") && c.clips[1].label == 1 && !strcmp(c.split_rule, "which_set"),
          "first clips");
    for (size_t i = 0; i < c.n_clips; i++) CHECK(c.clips[i].bad == NULL, "%s marked bad", c.clips[i].path);
    for (size_t i = 0; i < c.n_clips; i++)
        CHECK(c.clips[i].split == audio_which_set(c.clips[i].path, 10, 10), "which_set of %s", c.clips[i].path);
    audio_corpus_release(&c);
    write_text("c/testing_list.txt", "yes/s2_nohash_0.wav\n");
    CHECK(audio_corpus_scan(&c, path_of("c"), &e) == 0, "%.300s", e.msg);
    CHECK(!strcmp(c.split_rule, "lists") && c.clips[3].split == AUDIO_SPLIT_TEST && c.clips[0].split == AUDIO_SPLIT_TRAIN &&
          c.clips[1].split == AUDIO_SPLIT_TRAIN && c.clips[2].split == AUDIO_SPLIT_TRAIN, "list splits");
    audio_corpus_release(&c);
    write_text("c/validation_list.txt", "yes/s2_nohash_0.wav\n");
    CHECK(audio_corpus_scan(&c, path_of("c"), &e) < 0 && strstr(e.msg, "in both"), "listed twice: %.300s", e.msg);
    write_text("c/validation_list.txt", "\n_other_/o1_nohash_0.wav\nmaybe/x.wav\n");
    CHECK(audio_corpus_scan(&c, path_of("c"), &e) < 0 && e.kind == WS_EINPUT &&
          strstr(e.msg, "validation_list.txt:3: unknown label 'maybe'"), "unknown label: %.300s", e.msg);
    write_text("c/validation_list.txt", "yes\n");
    CHECK(audio_corpus_scan(&c, path_of("c"), &e) < 0 && e.kind == WS_EINPUT &&
          strstr(e.msg, "validation_list.txt:1: 'yes': expected CLASS/FILE"), "no slash: %.300s", e.msg);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/ws-decode-test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    RUN(test_pcm16_scaling);
    RUN(test_large_file_streamed);
    RUN(test_stereo_resample);
    RUN(test_resample_length);
    RUN(test_fit_length);
    RUN(test_bad_audio);
    RUN(test_bad_audio_threads);
    RUN(test_corpus_layout);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    return test_summary();
}
