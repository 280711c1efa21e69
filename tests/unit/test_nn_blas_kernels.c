/* test_nn_blas_kernels.c — lib/nn chooses OpenBLAS's kernels by the CPU's instruction set where
 * OpenBLAS took older ones (blas_kernels.c). The reference for what the CPU has is the kernel's
 * /proc/cpuinfo flags (lib/nn asks cpuid). OpenBLAS's choice on an unknown CPU is made here by
 * forcing old kernels through OpenBLAS's own OPENBLAS_CORETYPE and restarting it, then lib/nn
 * chooses again; a GEMM through the chosen kernels is checked against a double-precision sum. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "nn/nn.h"

void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);

/* The flags of /proc/cpuinfo's first "flags" line, space-delimited with spaces at both ends. */
static char flags[8192];

static int has(const char *flag)
{
    char word[64];
    snprintf(word, sizeof word, " %s ", flag);
    return strstr(flags, word) != NULL;
}

/* The kernels lib/nn is to choose where OpenBLAS took older ones, by the flags. */
static const char *expected_kernels(void)
{
    if (has("avx512f") && has("avx512cd") && has("avx512bw") && has("avx512dq") && has("avx512vl")) return "SkylakeX";
    if (has("avx2") && has("fma")) return "Haswell";
    if (has("avx")) return "Sandybridge";
    return NULL;
}

/* OpenBLAS restarted with `core` as if it had chosen it itself. */
static void force(const char *core)
{
    setenv("OPENBLAS_CORETYPE", core, 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
}

/* C = A B for 37x29 times 29x41 against double sums: the kernels compute. */
static double gemm_error(void)
{
    enum { M = 37, K = 29, N = 41 };
    static float a[M * K], b[K * N], c[M * N];
    for (int i = 0; i < M * K; i++) a[i] = (float)((i * 7 % 13) - 6) / 8.0f;
    for (int i = 0; i < K * N; i++) b[i] = (float)((i * 5 % 11) - 5) / 4.0f;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a, K, b, N, 0.0f, c, N);
    double worst = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double sum = 0;
            for (int k = 0; k < K; k++) sum += (double)a[i * K + k] * b[k * N + j];
            double d = fabs(sum - c[i * N + j]);
            if (d > worst) worst = d;
        }
    return worst;
}

static void test_old_kernels_replaced(void)
{
    const char *want = expected_kernels();
    if (!want) SKIP("the CPU has no AVX (/proc/cpuinfo): no kernels newer than OpenBLAS's SSE ones to choose");
    force("Prescott");
    CHECK(strcmp(openblas_get_corename(), "Prescott") == 0, "forced Prescott, OpenBLAS says %s", openblas_get_corename());
    CHECK(nn_blas_choose_kernels() == 1, "Prescott's kernels were kept on a CPU with %s", want);
    CHECK(strcmp(openblas_get_corename(), want) == 0, "chose %s, want %s", openblas_get_corename(), want);
    CHECK(getenv("OPENBLAS_CORETYPE") == NULL, "OPENBLAS_CORETYPE left set: %s", getenv("OPENBLAS_CORETYPE"));
    char words[256];
    nn_blas_kernels(words, sizeof words);
    CHECK(strstr(words, want) && strstr(words, "OpenBLAS took Prescott"), "nn_blas_kernels: %s", words);
    CHECK(gemm_error() < 1e-4, "sgemm with %s kernels is off by %g", want, gemm_error());
}

static void test_user_choice_kept(void)
{
    setenv("OPENBLAS_CORETYPE", "Prescott", 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    CHECK(nn_blas_choose_kernels() == 0, "OPENBLAS_CORETYPE=Prescott was overridden");
    CHECK(strcmp(openblas_get_corename(), "Prescott") == 0, "OPENBLAS_CORETYPE=Prescott gave %s", openblas_get_corename());
    char words[256];
    nn_blas_kernels(words, sizeof words);
    CHECK(strcmp(words, "OpenBLAS Prescott kernels (OPENBLAS_CORETYPE)") == 0, "nn_blas_kernels: %s", words);
    CHECK(gemm_error() < 1e-4, "sgemm with Prescott kernels is off by %g", gemm_error());
    unsetenv("OPENBLAS_CORETYPE");
}

static void test_known_kernels_kept(void)
{
    const char *want = expected_kernels();
    if (!want) SKIP("the CPU has no AVX (/proc/cpuinfo): no kernels of its instruction set to keep");
    /* kernels OpenBLAS tunes for a CPU it knows, of the CPU's instruction set: Cooperlake's
     * (AVX-512 with BF16) only where the CPU has BF16, else those of its level */
    const char *known = strcmp(want, "SkylakeX") == 0 && has("avx512_bf16") ? "Cooperlake" : want;
    force(known);
    CHECK(nn_blas_choose_kernels() == 0, "%s's kernels were replaced by %s", known, openblas_get_corename());
    CHECK(strcmp(openblas_get_corename(), known) == 0, "kept %s, OpenBLAS says %s", known, openblas_get_corename());
}

int main(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0) {
            char *colon = strchr(line, ':');
            line[strcspn(line, "\n")] = 0;
            snprintf(flags, sizeof flags, "%s ", colon ? colon + 1 : "");
            break;
        }
    if (f) fclose(f);
    unsetenv("OPENBLAS_CORETYPE");   /* the machine's choice, if any, is not what is tested */
    RUN(test_old_kernels_replaced);
    RUN(test_user_choice_kept);
    RUN(test_known_kernels_kept);
    return test_summary();
}
