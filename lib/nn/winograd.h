/* winograd.h — the transforms of Winograd's F(2x2, 3x3) convolution (internal to lib/nn), for
 * the CPU backend's 3x3 convolutions at stride 1 with padding 1 (h_out = h_in, w_out = w_in).
 * Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks" (2015): each 2x2 output
 * tile is A^T [U ⊙ V] A, U = G g G^T from the 3x3 kernel g and V = B^T d B from the 4x4 input
 * tile d around it, so the convolution becomes 16 products U[xi] (out x in channels) times
 * V[xi] (in channels x tiles), 4 multiply-adds per output where the direct form takes 9.
 * backend_cpu.c runs those products (gemm_rows) over chunks of tiles, for the forward pass and
 * the input gradient; this file holds the transforms to and from the 16 planes of the products.
 * Layouts as nn/backend.h: activations [C][n][h][w], weights [out][in][3][3].
 *
 * Tiles: a plane has th = ceil(h / 2) rows of tw = ceil(w / 2) tiles (the last row and column
 * of tiles partial for odd sizes: what lies past the plane reads as zero and is not written).
 * Over the batch, tile row r is row r % th of sample r / th; a chunk is the tile rows [r0, r1),
 * its nt = (r1 - r0) tw tiles in that order. The 16 transformed planes of a chunk are
 * [16][channels][nt] floats, each nn_wino_stride apart: element xi = 4 a + b of the 4x4
 * transform of tile t of channel c at [xi][c][t]. */
#ifndef WS_NN_WINOGRAD_H
#define WS_NN_WINOGRAD_H
#include <stddef.h>

typedef struct {
    int n, h, w;    /* samples of the batch (the planes' stride), plane height and width */
    int th, tw;     /* tile rows and columns of a plane */
} nn_wino_plane;

nn_wino_plane nn_wino_plane_of(int n, int h, int w);
/* Floats from one of the 16 planes of a chunk to the next: [channels][nt] rounded up to an odd
 * number of cache lines (16 floats), so that the 16 stores or loads of each tile's transform
 * fall into 16 different L1 sets. Planes a power of two apart (32 channels x 128 tiles: 16 KiB)
 * put them all into one: the 51x16 and 51x8 convolutions (32 -> 32) ran at 0.57-0.89x im2col's
 * speed so, 1.2-1.3x skewed; 8 -> 8 over 51x20 (8 x 510 + 16 = 4096 floats) 0.62x, 1.2x odd. */
static inline size_t nn_wino_stride(int channels, size_t nt)
{
    size_t lines = ((size_t)channels * nt + 15) / 16;
    return (lines | 1) * 16;
}
/* Floats of scratch the chunk transforms take (rows of one tile row). */
size_t nn_wino_scratch(const nn_wino_plane *p);

/* U[xi][o][c] = (G w[o][c] G^T)[xi] for w [c_out][c_in][3][3]; flipped: U[xi][c][o] from the
 * kernel w[o][c] rotated by 180 degrees (the input gradient of a stride-1 "same" convolution is
 * the convolution of dy with that kernel, in and out channels swapped). */
void nn_wino_weights(int c_out, int c_in, const float *w, int flipped, float *u);

/* v [16][channels][nt] = B^T d B for every tile of the chunk's tile rows [r0, r1) of x. */
void nn_wino_input(const nn_wino_plane *p, int channels, const float *x, int r0, int r1, float *v, float *scratch);
/* y's tiles of rows [r0, r1) = A^T m A (m [16][channels][nt]), then + bias[o] (NULL: none)
 * and ReLU (nn_relu) when relu; the parts of partial tiles past the plane are not written. */
void nn_wino_output(const nn_wino_plane *p, int channels, const float *m, int r0, int r1, const float *bias,
                    int relu, float *y, float *scratch);

#endif
