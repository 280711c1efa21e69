/* model.h — inside a model (internal to lib/nn and its tests): the layer list, the builder that
 * infers shapes and places tensors, and the model struct with its arenas. Public calls are in
 * nn/nn.h. A network is a sequence of layers; the three architectures are built from it in
 * models.c, and the tests build single layers with the same calls to check their gradients. */
#ifndef WS_NN_MODEL_H
#define WS_NN_MODEL_H
#include "nn/backend.h"
#include "nn/nn.h"

typedef enum {
    NN_L_LINEAR, NN_L_CONV, NN_L_DWCONV, NN_L_BN, NN_L_RELU, NN_L_DROPOUT, NN_L_MAXPOOL,
    NN_L_AVGPOOL, NN_L_GAP, NN_L_FLATTEN
} nn_layer_kind;

#define NN_NONE ((size_t)-1)

/* The two places recomputed outputs share (nn_layer.recomputed - 1): a batch norm's output and
 * the convolution output that a batch norm reads are never in the same one. */
enum { NN_REDO_BN, NN_REDO_CONV };

typedef struct nn_layer {
    nn_layer_kind kind;
    char name[32];               /* tensor prefix in torch's style: "conv0", "block1.dw" */
    int flat_in, flat_out;       /* layout of input/output: 1 = [n][features], 0 = CNHW */
    int c, h, w;                 /* input per sample (flat: c features, h = w = 1) */
    int oc, oh, ow;              /* output per sample */
    int kh, kw, sh, sw, ph, pw;  /* conv / pool geometry (frames, features) */
    int relu;                    /* ReLU fused after the layer (linear, conv, bn) */
    float p;                     /* dropout probability */
    size_t w_off, b_off;         /* weight, bias in the parameters (NN_NONE: none) */
    size_t mean_off, var_off;    /* BN running stats in the buffers */
    size_t save_off;             /* BN: [2][c] batch mean and 1/std in the activation arena */
    size_t out_off;              /* output [n][...] in the activation arena */
    int recomputed;              /* output not kept but made again in backward (model.c,
                                    mark_recomputed): 0 kept, else 1 + its place (NN_REDO_*) */
    size_t bwd_off;              /* recomputed: where the backward pass makes it instead of its
                                    place (a dead kept output: model.c, plan_bwd_places), or NN_NONE */
    int bwd_held;                /* whether it is there now (this backward pass made it) */
    unsigned spares_busy;        /* bit s: gradient spare s is in use while the layer's backward runs */
    int work_in;                 /* conv, dwconv: where its workspace lies: a spare (0, 1), the
                                    arena's own (-1) or the BN place (2) (model.c, work_place) */
} nn_layer;

/* Shape inference while appending layers. Any failure sticks (later calls do nothing) and is
 * reported in e; nn_model_from_net then fails. */
typedef struct nn_net {
    nn_layer *layers;
    int n, cap;
    int c, h, w, flat;           /* shape after the last layer */
    size_t n_params, n_buffers, n_save;
    int failed;
    ws_err *e;
} nn_net;

void nn_net_begin(nn_net *net, int c, int h, int w, ws_err *e);
void nn_net_release(nn_net *net);
void nn_net_linear(nn_net *net, const char *name, int out, int bias, int relu);
void nn_net_conv(nn_net *net, const char *name, int out, int kh, int kw, int sh, int sw, int ph, int pw,
                 int bias, int relu);
void nn_net_dwconv(nn_net *net, const char *name, int kh, int kw, int sh, int sw, int ph, int pw);
void nn_net_bn(nn_net *net, const char *name, int relu);
void nn_net_relu(nn_net *net);
void nn_net_dropout(nn_net *net, float p);
void nn_net_pool(nn_net *net, nn_pool_kind kind, int kh, int kw);
void nn_net_gap(nn_net *net);
void nn_net_flatten(nn_net *net);

typedef struct nn_tensor_info {
    char name[48];
    int shape[4], ndim;
    size_t offset, count;        /* in the parameter allocation (buffers after parameters) */
    int is_buffer;
} nn_tensor_info;

struct nn_model {
    nn_model_config cfg;
    int n_classes;
    int in_c, in_h, in_w;        /* input per sample */
    const nn_backend *be;
    nn_layer *layers;
    int n_layers;
    nn_tensor_info *tensors;
    int n_tensors;

    /* Arena 1, fixed: parameters [n_params] then buffers [n_buffers] (BN running stats). */
    float *params;
    size_t n_params, n_buffers;
    /* Arena 2, fixed: gradients [n_params], same layout as the parameters. */
    float *grads;
    /* Arena 3, grows with the batch (reserved samples): each layer's output [n][out] at its
     * out_off, BN saves [n_save], the two places recomputed outputs share (NN_REDO_BN: batch
     * norms'; NN_REDO_CONV: convolutions'), two gradient ping-pong buffers [n][max width], the
     * conv workspace, and the input gradient (tests only, keep_dx). A convolution's workspace
     * lies in a spare where one is free and large enough throughout that layer's passes, a
     * recomputed first convolution's in the NN_REDO_BN place where it fits (model.c,
     * work_place); the arena's own is for the rest. */
    float *acts;
    size_t n_save;
    float *redo_place[2];        /* the two shared places (NN_REDO_BN, NN_REDO_CONV) */
    int holds[2];                /* the layer whose output each shared place holds, or -1 */
    int reserved, work_shares;   /* batch and backend shares the arena was sized for */
    float *gbuf[2], *work, *dx;
    size_t spare_floats[2];      /* the spares' floats per sample (model.c, spare_walk) */
    int keep_dx;

    uint64_t seed, n_forward, fwd_seed;  /* dropout masks: fwd_seed of the last forward */
    int last_n, last_train;
};

/* Takes the layers of net (net is emptied) and builds the model; cfg may be NULL (tests). */
nn_model *nn_model_from_net(nn_net *net, const nn_model_config *cfg, int n_classes, uint64_t seed,
                            ws_err *e);
/* What nn_model_from_net would allocate for net's layers, and the optimizer and the activations
 * of a batch of `batch` after it (nn_model_need in nn.h), found without allocating any of it
 * (net is emptied). */
int nn_model_plan_net(nn_net *net, int batch, nn_model_need *need, ws_err *e);
/* Gradient with respect to the input of the last backward pass when m->keep_dx is set
 * (call nn_model_reserve after setting it). */
const float *nn_model_input_grad(const nn_model *m);
/* Per-sample output size of the last layer. */
size_t nn_model_out_size(const nn_model *m);

#endif
