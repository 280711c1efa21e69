/* npy_argsort.c — numpy 1.24's aquicksort_ for doubles (numpy/core/src/npysort/quicksort.cpp
 * and heapsort.cpp), step for step: an introsort whose partitions take the median of three,
 * stop at equal elements on both sides, push the larger part, finish parts of 16 or fewer by
 * insertion sort, and fall back to heapsort past a depth of 2 floor(log2 n). Written from the
 * algorithm, not copied; tests/ref/make_tpe_ties_golden.py checks it against numpy itself. That
 * is numpy 1.24, Debian 12's: numpy 1.25 and later argsort doubles with AVX-512 kernels on CPUs
 * that have them, which order ties otherwise, so Optuna's own tie order depends on its numpy. */
#include "sampler/npy_argsort.h"
#include <stdint.h>

#define SMALL_QUICKSORT 15   /* parts of up to 16 elements go to insertion sort */
#define STACK_SIZE 128   /* numpy's PYA_QS_STACK: 2 * bits of an npy_intp */

/* numpy's DOUBLE less-than: NaN sorts after every number */
static int lt(double a, double b) { return a < b || (b != b && a == a); }

static void swap_idx(size_t *a, size_t *b) { size_t t = *a; *a = *b; *b = t; }

/* numpy's aheapsort_ on idx[0..n), its 1-based heap a[k] being idx[k - 1] */
static void heap_argsort(const double *v, size_t *idx, size_t n)
{
#define A(k) idx[(k) - 1]
    size_t i, j, l, tmp;
    for (l = n >> 1; l > 0; --l) {
        tmp = A(l);
        for (i = l, j = l << 1; j <= n;) {
            if (j < n && lt(v[A(j)], v[A(j + 1)])) j += 1;
            if (lt(v[tmp], v[A(j)])) { A(i) = A(j); i = j; j += j; }
            else break;
        }
        A(i) = tmp;
    }
    for (; n > 1;) {
        tmp = A(n);
        A(n) = A(1);
        n -= 1;
        for (i = 1, j = 2; j <= n;) {
            if (j < n && lt(v[A(j)], v[A(j + 1)])) j++;
            if (lt(v[tmp], v[A(j)])) { A(i) = A(j); i = j; j += j; }
            else break;
        }
        A(i) = tmp;
    }
#undef A
}

static int msb(size_t n)   /* numpy's npy_get_msb: floor(log2 n), 0 for n <= 1 */
{
    int d = 0;
    while (n >>= 1) d++;
    return d;
}

void ws_npy_argsort(const double *v, size_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++) idx[i] = i;
    if (n < 2) return;
    size_t *pl = idx, *pr = idx + n - 1;
    size_t *stack[STACK_SIZE], **sptr = stack;
    int depth[STACK_SIZE], *psdepth = depth;
    int cdepth = msb(n) * 2;
    for (;;) {
        if (cdepth < 0) {
            heap_argsort(v, pl, (size_t)(pr - pl) + 1);
            goto stack_pop;
        }
        while (pr - pl > SMALL_QUICKSORT) {
            size_t *pm = pl + ((pr - pl) >> 1), *pi, *pj;
            if (lt(v[*pm], v[*pl])) swap_idx(pm, pl);
            if (lt(v[*pr], v[*pm])) swap_idx(pr, pm);
            if (lt(v[*pm], v[*pl])) swap_idx(pm, pl);
            double vp = v[*pm];
            pi = pl;
            pj = pr - 1;
            swap_idx(pm, pj);
            for (;;) {
                do ++pi; while (lt(v[*pi], vp));
                do --pj; while (lt(vp, v[*pj]));
                if (pi >= pj) break;
                swap_idx(pi, pj);
            }
            swap_idx(pi, pr - 1);
            /* the larger part waits on the stack */
            if (pi - pl < pr - pi) {
                *sptr++ = pi + 1;
                *sptr++ = pr;
                pr = pi - 1;
            } else {
                *sptr++ = pl;
                *sptr++ = pi - 1;
                pl = pi + 1;
            }
            *psdepth++ = --cdepth;
        }
        /* insertion sort of the small part */
        for (size_t *pi = pl + 1; pi <= pr; ++pi) {
            size_t vi = *pi, *pj = pi, *pk = pi - 1;
            double vv = v[vi];
            while (pj > pl && lt(vv, v[*pk])) *pj-- = *pk--;
            *pj = vi;
        }
    stack_pop:
        if (sptr == stack) break;
        pr = *(--sptr);
        pl = *(--sptr);
        cdepth = *(--psdepth);
    }
}
