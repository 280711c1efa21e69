/* blas_kernels.c — OpenBLAS's kernels chosen by the CPU's instruction set where OpenBLAS's own
 * table of CPU models falls short (see nn_blas_kernels in nn.h).
 *
 * Why: Debian's OpenBLAS 0.3.21 (a DYNAMIC_ARCH build) picks its kernels from the CPU models it
 * knew when it was released. A newer CPU gets older kernels: an AVX-512 VM CPU named "Intel(R)
 * Xeon(R) Processor" took Prescott's (SSE3): a 2-epoch demo trial took 9.9-11.4 s, against 7.5 s
 * with SkylakeX's. What a user would set by hand (OPENBLAS_CORETYPE) is set here when it is unset:
 * the best kernels for the instruction set the CPU and OS support, and only where they are a
 * newer instruction set than OpenBLAS's choice, so CPUs OpenBLAS knows keep their tuned kernels.
 *
 * OpenBLAS reads OPENBLAS_CORETYPE once, when it starts (gotoblas_dynamic_init). Its exported
 * gotoblas_dynamic_quit/gotoblas_dynamic_init pair chooses again; that is done in a constructor,
 * before any BLAS call. Linked statically (train-trial), this constructor runs before OpenBLAS's
 * (a priority runs first), so OpenBLAS is started here, after reading its environment as its
 * constructor would (OPENBLAS_VERBOSE, OPENBLAS_BLOCK_FACTOR); its constructor then finds it
 * started. They are declared weak: an OpenBLAS built for one CPU (no DYNAMIC_ARCH) lacks them and keeps
 * its kernels. The results differ from the other kernels' by rounding only.
 *
 * OpenBLAS takes OPENBLAS_CORETYPE only where it is a core name it knows (in any case; "Katmai"
 * and the like run the kernels of another): any other value ("Skylake", "Haswell ") it ignores,
 * without a word, running the kernels it picks without it. That is said here (--version, and a
 * note of train-trial's), found by picking again with the variable unset; empty is unset, as for
 * wakesweep's own variables (OpenBLAS takes no core from it either). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "nn/nn.h"

char *openblas_get_corename(void);
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));
void openblas_read_env(void) __attribute__((weak));

/* Instruction-set levels: 0 SSE, 1 AVX, 2 AVX2 with FMA, 3 AVX-512 (F, CD, BW, DQ, VL: Skylake-SP's). */
static const char *const kernels_of_level[] = {NULL, "Sandybridge", "Haswell", "SkylakeX"};

static int core_level(const char *core)
{
    static const struct { const char *name; int level; } cores[] = {
        {"SapphireRapids", 3}, {"Cooperlake", 3}, {"SkylakeX", 3}, {"Haswell", 2}, {"Zen", 2},
        {"Excavator", 2}, {"Sandybridge", 1}, {"Bulldozer", 1}, {"Piledriver", 1}, {"Steamroller", 1}};
    for (size_t i = 0; i < sizeof cores / sizeof *cores; i++)
        if (strcmp(core, cores[i].name) == 0) return cores[i].level;
    return 0;   /* Prescott, Nehalem, ..., and names of OpenBLAS versions after 0.3.21 */
}

static int cpu_level(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();   /* a constructor may run before libgcc's own */
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return 3;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 2;
    if (__builtin_cpu_supports("avx")) return 1;
#endif
    return 0;
}

static char openblas_choice[32];   /* OpenBLAS's own kernels where these replaced them, else "" */
/* OPENBLAS_CORETYPE as given where OpenBLAS runs the kernels it picks without it all the same,
 * else "" (a longer value is cut: it is only shown) */
static char coretype_ignored[64];

/* OPENBLAS_CORETYPE, or NULL where it is unset or empty */
static const char *coretype_given(void)
{
    const char *v = getenv("OPENBLAS_CORETYPE");
    return v && *v ? v : NULL;
}

/* OpenBLAS started with the user's OPENBLAS_CORETYPE, given: where its core is not the one the
 * name says, OpenBLAS picks again without the variable, and a pick of the same core means the
 * variable changed nothing (a name it does not know, or one of another core's that it runs anyway:
 * the same kernels either way). OpenBLAS is left as the variable makes it, the variable as given. */
static void note_if_ignored(const char *given)
{
    char value[256], core[32];
    if (strcasecmp(openblas_get_corename(), given) == 0) return;
    snprintf(value, sizeof value, "%s", given);
    snprintf(core, sizeof core, "%s", openblas_get_corename());
    unsetenv("OPENBLAS_CORETYPE");
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    int same = strcmp(openblas_get_corename(), core) == 0;
    setenv("OPENBLAS_CORETYPE", value, 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    if (same) snprintf(coretype_ignored, sizeof coretype_ignored, "%.63s", value);   /* shown, so cut to fit */
}

int nn_blas_choose_kernels(void)
{
    openblas_choice[0] = coretype_ignored[0] = 0;
    if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit) return 0;
    gotoblas_dynamic_init();   /* started already where OpenBLAS is a shared library: then a no-op */
    const char *given = coretype_given();
    if (given) {
        note_if_ignored(given);
        return 0;
    }
    const char *core = openblas_get_corename();
    int have = core_level(core), can = cpu_level();
    if (can <= have) return 0;
    snprintf(openblas_choice, sizeof openblas_choice, "%s", core);
    int empty = getenv("OPENBLAS_CORETYPE") != NULL;   /* set but empty: kept so */
    setenv("OPENBLAS_CORETYPE", kernels_of_level[can], 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    /* the user's environment as it was, for what this process runs */
    if (empty) setenv("OPENBLAS_CORETYPE", "", 1);
    else unsetenv("OPENBLAS_CORETYPE");
    return 1;
}

__attribute__((constructor(201))) static void choose_at_start(void)
{
    if (openblas_read_env) openblas_read_env();
    nn_blas_choose_kernels();
}

const char *nn_blas_coretype_note(char *buf, size_t n)
{
    if (!coretype_ignored[0]) return NULL;
    snprintf(buf, n, "OPENBLAS_CORETYPE '%s' changed nothing: OpenBLAS runs the %s kernels it picks without it "
             "(it takes a core name such as Haswell or SkylakeX, in any case)", coretype_ignored, openblas_get_corename());
    return buf;
}

const char *nn_blas_kernels(char *buf, size_t n)
{
    if (*openblas_choice)
        snprintf(buf, n, "OpenBLAS %s kernels (chosen for this CPU's instruction set; OpenBLAS took %s; "
                 "OPENBLAS_CORETYPE overrides)", openblas_get_corename(), openblas_choice);
    else
        snprintf(buf, n, "OpenBLAS %s kernels%s", openblas_get_corename(),
                 coretype_ignored[0] ? " (OPENBLAS_CORETYPE changed nothing: OpenBLAS's own choice)"
                 : coretype_given() ? " (OPENBLAS_CORETYPE)" : "");
    return buf;
}
