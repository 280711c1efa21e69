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
 * its kernels. The results differ from the other kernels' by rounding only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int nn_blas_choose_kernels(void)
{
    openblas_choice[0] = 0;
    if (getenv("OPENBLAS_CORETYPE") || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return 0;
    gotoblas_dynamic_init();   /* started already where OpenBLAS is a shared library: then a no-op */
    const char *core = openblas_get_corename();
    int have = core_level(core), can = cpu_level();
    if (can <= have) return 0;
    snprintf(openblas_choice, sizeof openblas_choice, "%s", core);
    setenv("OPENBLAS_CORETYPE", kernels_of_level[can], 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");   /* the user's environment as it was, for what this process runs */
    return 1;
}

__attribute__((constructor(201))) static void choose_at_start(void)
{
    if (openblas_read_env && !getenv("OPENBLAS_CORETYPE")) openblas_read_env();
    nn_blas_choose_kernels();
}

const char *nn_blas_kernels(char *buf, size_t n)
{
    if (*openblas_choice)
        snprintf(buf, n, "OpenBLAS %s kernels (chosen for this CPU's instruction set; OpenBLAS took %s; "
                 "OPENBLAS_CORETYPE overrides)", openblas_get_corename(), openblas_choice);
    else
        snprintf(buf, n, "OpenBLAS %s kernels%s", openblas_get_corename(),
                 getenv("OPENBLAS_CORETYPE") ? " (OPENBLAS_CORETYPE)" : "");
    return buf;
}
