/* model.c — a network as a sequence of layers: shape inference (nn_net_*), the three arenas
 * (parameters+buffers, gradients, activations), torch's initialisation, and the forward and
 * backward passes through the backend table. See model.h for the layout of the arenas. */
#include "nn/model.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/rng.h"
#include "nn/elementwise.h"

/* ---- building the layer list -------------------------------------------------------------------- */

void nn_net_begin(nn_net *net, int c, int h, int w, ws_err *e)
{
    memset(net, 0, sizeof *net);
    net->c = c; net->h = h; net->w = w;
    net->e = e;
    if (c < 1 || h < 1 || w < 1) {
        net->failed = 1;
        ws_err_set(e, WS_EINPUT, "model: input shape %dx%dx%d is empty", c, h, w);
    }
}

void nn_net_release(nn_net *net)
{
    free(net->layers);
    net->layers = NULL;
    net->n = net->cap = 0;
}

/* Appends a layer with the current shape as input; NULL once anything failed. */
static nn_layer *net_add(nn_net *net, nn_layer_kind kind, const char *name)
{
    if (net->failed) return NULL;
    if (net->n == net->cap) {
        int cap = net->cap ? 2 * net->cap : 16;
        nn_layer *l = realloc(net->layers, (size_t)cap * sizeof *l);
        if (!l) {
            net->failed = 1;
            ws_err_set(net->e, WS_ENOMEM, "model: out of memory");
            return NULL;
        }
        net->layers = l;
        net->cap = cap;
    }
    nn_layer *l = &net->layers[net->n++];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    snprintf(l->name, sizeof l->name, "%s", name ? name : "");
    l->flat_in = l->flat_out = net->flat;
    l->c = l->oc = net->c;
    l->h = l->oh = net->h;
    l->w = l->ow = net->w;
    l->kh = l->kw = l->sh = l->sw = 1;
    l->w_off = l->b_off = l->mean_off = l->var_off = l->save_off = l->bwd_off = NN_NONE;
    return l;
}

static void net_done(nn_net *net, nn_layer *l)
{
    net->c = l->oc; net->h = l->oh; net->w = l->ow; net->flat = l->flat_out;
}

static size_t take(size_t *counter, size_t n)
{
    size_t at = *counter;
    *counter += n;
    return at;
}

/* Output size of a convolution or pool along one axis; -1 names the failure. */
static int geom_fit(nn_net *net, nn_layer *l)
{
    if (l->kh < 1 || l->kw < 1 || l->sh < 1 || l->sw < 1 || l->ph < 0 || l->pw < 0) {
        net->failed = 1;
        ws_err_set(net->e, WS_EINPUT, "model: %s: kernel %dx%d, stride %dx%d, padding %dx%d: must be positive",
                   l->name, l->kh, l->kw, l->sh, l->sw, l->ph, l->pw);
        return -1;
    }
    /* in 64 bits: an input near INT_MAX (a damaged checkpoint header) overflowed the int sum */
    long long hp = (long long)l->h + 2LL * l->ph, wp = (long long)l->w + 2LL * l->pw;
    if (!l->flat_in && (hp > INT_MAX || wp > INT_MAX)) {
        net->failed = 1;
        ws_err_set(net->e, WS_EINPUT, "model: %s: input %dx%d padded by %dx%d is too large (more than %d a side)",
                   l->name, l->h, l->w, l->ph, l->pw, INT_MAX);
        return -1;
    }
    if (l->flat_in || hp < l->kh || wp < l->kw) {
        net->failed = 1;
        ws_err_set(net->e, WS_EINPUT, "model: %s: kernel %dx%d does not fit its input %dx%d (padded %lldx%lld)",
                   l->name, l->kh, l->kw, l->h, l->w, hp, wp);
        return -1;
    }
    l->oh = (int)((hp - l->kh) / l->sh + 1);
    l->ow = (int)((wp - l->kw) / l->sw + 1);
    return 0;
}

void nn_net_linear(nn_net *net, const char *name, int out, int bias, int relu)
{
    nn_layer *l = net_add(net, NN_L_LINEAR, name);
    if (!l) return;
    if (!l->flat_in) {
        net->failed = 1;
        ws_err_set(net->e, WS_EINTERNAL, "model: %s: linear layer after a convolutional one needs a flatten", name);
        return;
    }
    if (out < 1) {
        net->failed = 1;
        ws_err_set(net->e, WS_EINPUT, "model: %s: %d units: must be positive", name, out);
        return;
    }
    l->oc = out;
    l->relu = relu;
    l->w_off = take(&net->n_params, (size_t)out * l->c);
    if (bias) l->b_off = take(&net->n_params, (size_t)out);
    net_done(net, l);
}

void nn_net_conv(nn_net *net, const char *name, int out, int kh, int kw, int sh, int sw, int ph, int pw,
                 int bias, int relu)
{
    nn_layer *l = net_add(net, NN_L_CONV, name);
    if (!l) return;
    l->kh = kh; l->kw = kw; l->sh = sh; l->sw = sw; l->ph = ph; l->pw = pw;
    if (geom_fit(net, l)) return;
    if (out < 1) {
        net->failed = 1;
        ws_err_set(net->e, WS_EINPUT, "model: %s: %d channels: must be positive", name, out);
        return;
    }
    l->oc = out;
    l->relu = relu;
    l->w_off = take(&net->n_params, (size_t)out * l->c * kh * kw);
    if (bias) l->b_off = take(&net->n_params, (size_t)out);
    net_done(net, l);
}

void nn_net_dwconv(nn_net *net, const char *name, int kh, int kw, int sh, int sw, int ph, int pw)
{
    nn_layer *l = net_add(net, NN_L_DWCONV, name);
    if (!l) return;
    l->kh = kh; l->kw = kw; l->sh = sh; l->sw = sw; l->ph = ph; l->pw = pw;
    if (geom_fit(net, l)) return;
    l->w_off = take(&net->n_params, (size_t)l->c * kh * kw);
    net_done(net, l);
}

void nn_net_bn(nn_net *net, const char *name, int relu)
{
    nn_layer *l = net_add(net, NN_L_BN, name);
    if (!l) return;
    if (l->flat_in) {
        net->failed = 1;
        ws_err_set(net->e, WS_EINTERNAL, "model: %s: batch norm 2d needs planes", name);
        return;
    }
    l->relu = relu;
    l->w_off = take(&net->n_params, (size_t)l->c);
    l->b_off = take(&net->n_params, (size_t)l->c);
    l->mean_off = take(&net->n_buffers, (size_t)l->c);
    l->var_off = take(&net->n_buffers, (size_t)l->c);
    l->save_off = take(&net->n_save, 2 * (size_t)l->c);
    net_done(net, l);
}

void nn_net_relu(nn_net *net)
{
    nn_layer *l = net_add(net, NN_L_RELU, "relu");
    if (l) net_done(net, l);
}

void nn_net_dropout(nn_net *net, float p)
{
    nn_layer *l = net_add(net, NN_L_DROPOUT, "dropout");
    if (!l) return;
    l->p = p;
    net_done(net, l);
}

void nn_net_pool(nn_net *net, nn_pool_kind kind, int kh, int kw)
{
    nn_layer *l = net_add(net, kind == NN_POOL_MAX ? NN_L_MAXPOOL : NN_L_AVGPOOL, "pool");
    if (!l) return;
    l->kh = l->sh = kh;
    l->kw = l->sw = kw;
    if (geom_fit(net, l)) return;
    net_done(net, l);
}

void nn_net_gap(nn_net *net)
{
    nn_layer *l = net_add(net, NN_L_GAP, "gap");
    if (!l) return;
    if (l->flat_in) {
        net->failed = 1;
        ws_err_set(net->e, WS_EINTERNAL, "model: global pooling needs planes");
        return;
    }
    l->oh = l->ow = 1;
    l->flat_out = 1;
    net_done(net, l);
}

void nn_net_flatten(nn_net *net)
{
    nn_layer *l = net_add(net, NN_L_FLATTEN, "flatten");
    if (!l) return;
    long long n = (long long)l->c * l->h * l->w;   /* int overflowed for a large input */
    if (n > INT_MAX) {
        net->failed = 1;
        ws_err_set(net->e, WS_EINPUT, "model: flatten: %dx%dx%d is %lld features, more than %d", l->c, l->h, l->w, n, INT_MAX);
        return;
    }
    l->oc = (int)n;
    l->oh = l->ow = 1;
    l->flat_out = 1;
    net_done(net, l);
}

/* ---- the model ---------------------------------------------------------------------------------------- */

static size_t in_size(const nn_layer *l) { return (size_t)l->c * l->h * l->w; }
static size_t out_size(const nn_layer *l) { return (size_t)l->oc * l->oh * l->ow; }

static void add_tensor(nn_model *m, const nn_layer *l, const char *suffix, size_t offset, int is_buffer,
                       int ndim, int s0, int s1, int s2, int s3)
{
    nn_tensor_info *t = &m->tensors[m->n_tensors++];
    snprintf(t->name, sizeof t->name, "%s.%s", l->name, suffix);
    t->ndim = ndim;
    t->shape[0] = s0; t->shape[1] = s1; t->shape[2] = s2; t->shape[3] = s3;
    t->count = 1;
    for (int i = 0; i < ndim; i++) t->count *= (size_t)t->shape[i];
    t->offset = offset + (is_buffer ? m->n_params : 0);
    t->is_buffer = is_buffer;
}

static void build_tensor_table(nn_model *m)
{
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < m->n_layers; i++) {
            const nn_layer *l = &m->layers[i];
            if (pass == 1) {
                if (l->kind == NN_L_BN) {
                    add_tensor(m, l, "running_mean", l->mean_off, 1, 1, l->c, 0, 0, 0);
                    add_tensor(m, l, "running_var", l->var_off, 1, 1, l->c, 0, 0, 0);
                }
                continue;
            }
            switch (l->kind) {
            case NN_L_LINEAR: add_tensor(m, l, "weight", l->w_off, 0, 2, l->oc, l->c, 0, 0); break;
            case NN_L_CONV: add_tensor(m, l, "weight", l->w_off, 0, 4, l->oc, l->c, l->kh, l->kw); break;
            case NN_L_DWCONV: add_tensor(m, l, "weight", l->w_off, 0, 4, l->c, 1, l->kh, l->kw); break;
            case NN_L_BN: add_tensor(m, l, "weight", l->w_off, 0, 1, l->c, 0, 0, 0); break;
            default: break;
            }
            if (l->b_off != NN_NONE) add_tensor(m, l, "bias", l->b_off, 0, 1, l->oc, 0, 0, 0);
        }
}

/* torch's defaults: kaiming_uniform_(a=sqrt(5)) gives U(±1/sqrt(fan_in)) for weights, and the
 * same bound for biases; BN weight 1, bias 0, running mean 0, running var 1. Draws go layer by
 * layer, weight before bias, so a seed fixes every value. */
static void init_weights(nn_model *m, float *host)
{
    ws_rng rng;
    ws_rng_seed(&rng, m->seed);
    float *buf = host + m->n_params;
    for (int i = 0; i < m->n_layers; i++) {
        const nn_layer *l = &m->layers[i];
        size_t nw = 0, fan_in = 0;
        switch (l->kind) {
        case NN_L_LINEAR: nw = (size_t)l->oc * l->c; fan_in = (size_t)l->c; break;
        case NN_L_CONV: nw = (size_t)l->oc * l->c * l->kh * l->kw; fan_in = (size_t)l->c * l->kh * l->kw; break;
        case NN_L_DWCONV: nw = (size_t)l->c * l->kh * l->kw; fan_in = (size_t)l->kh * l->kw; break;
        case NN_L_BN:
            for (int c = 0; c < l->c; c++) {
                host[l->w_off + c] = 1.0f;
                host[l->b_off + c] = 0.0f;
                buf[l->mean_off + c] = 0.0f;
                buf[l->var_off + c] = 1.0f;
            }
            continue;
        default: continue;
        }
        double bound = 1.0 / sqrt((double)fan_in);
        for (size_t k = 0; k < nw; k++) host[l->w_off + k] = (float)((2.0 * ws_rng_uniform(&rng) - 1.0) * bound);
        if (l->b_off != NN_NONE)
            for (int k = 0; k < l->oc; k++) host[l->b_off + k] = (float)((2.0 * ws_rng_uniform(&rng) - 1.0) * bound);
    }
}

/* Which outputs the arena does not keep but makes again in the backward pass (see redo), each
 * in one of two places that all such outputs share:
 *   NN_REDO_BN    a batch norm's output, unless another batch norm follows (the second's
 *                 backward reads it while its own output is in the place) or it is the last
 *                 layer. In a dscnn half the activations are BN outputs, and one is cheap to
 *                 make again from the BN's input and its saved statistics (bn_apply: one pass).
 *   NN_REDO_CONV  the output of a depthwise convolution, or of a convolution over the network
 *                 input, that only a batch norm reads: the dscnn's first convolution and every
 *                 block's depthwise one. Each is cheap beside the pointwise GEMMs (9 and 40
 *                 multiply-adds an output against a pointwise 32 or 64), and its input is at hand:
 *                 the network input, a kept output, or a BN output (the other place). Not when
 *                 a ReLU is fused (its backward would read the output), the input is itself
 *                 in this place, or more than two outputs below it are made again in a row:
 *                 redo makes each again from the one below, so each layer's backward in a
 *                 run made the run below it again (k (k + 1) / 2 depthwise passes for k
 *                 depthwise-BN pairs in a row); a dscnn's runs are the first convolution, bn0,
 *                 the first depthwise one and its BN, and a depthwise one with its BN.
 * So a dscnn keeps only its pointwise outputs: 3 planes of activations where it kept 7 (a
 * 64-sample, 64-channel plane of the demo cache is 16.7 MiB). The pointwise ones stay: making
 * them again costs a GEMM each, as much as the forward pass's own. */
static int conv_redone(const nn_model *m, int i)
{
    const nn_layer *l = &m->layers[i];
    if (l->relu || i + 1 >= m->n_layers || m->layers[i + 1].kind != NN_L_BN) return 0;
    if (l->kind == NN_L_CONV) return i == 0;
    int run = 0;   /* outputs made again just below layer i (marked already) */
    while (run < i && m->layers[i - 1 - run].recomputed) run++;
    return l->kind == NN_L_DWCONV && (i == 0 || m->layers[i - 1].recomputed != 1 + NN_REDO_CONV) && run <= 2;
}

static void mark_recomputed(nn_model *m)
{
    for (int i = 0; i < m->n_layers; i++) {
        nn_layer *l = &m->layers[i];
        int last = i + 1 >= m->n_layers;
        if (l->kind == NN_L_BN) l->recomputed = !last && m->layers[i + 1].kind != NN_L_BN ? 1 + NN_REDO_BN : 0;
        else l->recomputed = conv_redone(m, i) ? 1 + NN_REDO_CONV : 0;
    }
}

static void spare_walk(nn_model *m);

/* The model of net's layers without its arenas (net is emptied): what nn_model_from_net
 * allocates them for, and what nn_model_plan_net sizes them from. */
static void model_shell(nn_model *m, nn_net *net, const nn_model_config *cfg, int n_classes, uint64_t seed)
{
    if (cfg) m->cfg = *cfg;
    m->n_classes = n_classes;
    m->layers = net->layers;
    m->n_layers = net->n;
    net->layers = NULL;
    m->in_c = m->layers[0].c; m->in_h = m->layers[0].h; m->in_w = m->layers[0].w;
    m->n_params = net->n_params;
    m->n_buffers = net->n_buffers;
    m->n_save = net->n_save;
    mark_recomputed(m);
    spare_walk(m);
    m->holds[0] = m->holds[1] = -1;
    m->seed = seed;
    m->be = nn_backend_cpu();
    nn_net_release(net);
}

static int net_usable(nn_net *net, ws_err *e)
{
    if (!net->failed && net->n > 0) return 0;
    if (!net->failed) ws_err_set(e, WS_EINTERNAL, "model: no layers");
    nn_net_release(net);
    return -1;
}

nn_model *nn_model_from_net(nn_net *net, const nn_model_config *cfg, int n_classes, uint64_t seed, ws_err *e)
{
    if (net_usable(net, e)) return NULL;
    nn_model *m = calloc(1, sizeof *m);
    if (!m) { nn_net_release(net); ws_err_set(e, WS_ENOMEM, "model: out of memory"); return NULL; }
    model_shell(m, net, cfg, n_classes, seed);
    m->tensors = calloc((size_t)m->n_layers * 4 + 1, sizeof *m->tensors);
    m->params = m->be->alloc((m->n_params + m->n_buffers) * sizeof(float));
    m->grads = m->be->alloc(m->n_params * sizeof(float));
    if (!m->tensors || !m->params || !m->grads) {
        size_t np = m->n_params;
        nn_model_free(m);
        ws_err_set(e, WS_ENOMEM, "model: out of memory for %zu parameters", np);
        return NULL;
    }
    build_tensor_table(m);
    /* A model starts on the CPU backend (device.c moves it), whose memory is host memory: the
     * weights are drawn in place, without a staging copy (fewer pages to fault in at start). */
    init_weights(m, m->params);
    return m;
}

void nn_model_free(nn_model *m)
{
    if (!m) return;
    if (m->be) {
        m->be->release(m->params);
        m->be->release(m->grads);
        m->be->release(m->acts);
    }
    free(m->layers);
    free(m->tensors);
    free(m);
}

/* Where the backward pass writes a layer's input gradient. The gradient arriving at a layer
 * (g) and the one it passes down need not be two fresh buffers per layer:
 *   DX_IN_PLACE  elementwise layers (batch norm, ReLU, dropout, flatten of flat data) overwrite g;
 *   DX_OWN       convolutions and linear layers write over their own output, which nothing
 *                needs any more once the fused ReLU has masked g with it (when the input is no
 *                larger than the output);
 *   DX_SPARE     the rest (pooling, global pooling, flatten of planes, shrinking layers) write
 *                into one of two spare buffers, the one g is not in.
 * So a dscnn needs one spare as wide as its planes where it needed two, and the input gradient
 * of every layer lives where an activation did. The backends allow these aliases (nn/backend.h). */
enum { DX_IN_PLACE, DX_OWN, DX_SPARE };

static int dx_place(const nn_layer *l)
{
    switch (l->kind) {
    case NN_L_BN: case NN_L_RELU: case NN_L_DROPOUT: return DX_IN_PLACE;
    case NN_L_FLATTEN: return l->flat_in ? DX_IN_PLACE : DX_SPARE;
    case NN_L_LINEAR: case NN_L_CONV: case NN_L_DWCONV:
        /* not over an output made again: the next redo of its place would clobber the gradient */
        return in_size(l) <= out_size(l) && !l->recomputed ? DX_OWN : DX_SPARE;
    default: return DX_SPARE;
    }
}

/* Floats per sample of the two spare gradient buffers (m->spare_floats): the backward pass
 * walked as nn_backward walks it, spare 0 first holding dlogits. Marks in each layer's
 * spares_busy the spares its backward reads g from or writes dx to (every layer's dx counted
 * as written, a bound on nn_backward, which skips those below the lowest parameters). Once, as
 * the model is built: neither depends on the batch. */
static void spare_walk(nn_model *m)
{
    int in = 0;                       /* the spare g is in, or -1 (an activation's place) */
    size_t *spare = m->spare_floats;
    spare[0] = out_size(&m->layers[m->n_layers - 1]);
    spare[1] = 0;
    for (int i = m->n_layers - 1; i >= 0; i--) {
        nn_layer *l = &m->layers[i];
        l->spares_busy = in >= 0 ? 1u << in : 0;
        if (i == 0) break;            /* layer 0's dx is the input's (keep_dx), never a spare */
        int p = dx_place(l);
        if (p == DX_OWN) in = -1;
        else if (p == DX_SPARE) {
            in = in == 0 ? 1 : 0;
            l->spares_busy |= 1u << in;
            if (in_size(l) > spare[in]) spare[in] = in_size(l);
        }
    }
}

/* Floats of layer l's workspace at batch n (0 for layers without one). */
static size_t layer_work(const nn_model *m, const nn_layer *l, int n)
{
    if (l->kind != NN_L_CONV && l->kind != NN_L_DWCONV) return 0;
    nn_geom g = {n, l->c, l->h, l->w, l->oc, l->oh, l->ow, l->kh, l->kw, l->sh, l->sw, l->ph, l->pw};
    return l->kind == NN_L_CONV ? m->be->conv_work(&g) : m->be->dwconv_work(&g);
}

/* Where layer l's workspace of wk floats lies (nn_layer.work_in): a spare (0, 1), the batch
 * norms' shared place (WORK_BN_PLACE) or the arena's own (WORK_OWN). A spare holds gradients
 * only in the backward pass (and dlogits from the loss, after the forward pass), so one that
 * l's backward neither reads nor writes is free through both of l's passes: the im2col columns
 * of a cnn's first convolution then cost nothing beside the spare the pooling's gradient needs
 * anyway. A recomputed output is made again inside other layers' backward passes (redo), whose
 * spares may hold gradients then, so its workspace is elsewhere: a dscnn's first convolution
 * (its columns: 3.5 MiB at batch 64 on one thread) uses the batch norms' place, which holds
 * nothing it reads (its input is the network input), and what it held is made again when next
 * needed (the callers mark it lost). Workspace is scratch within one call (nn/backend.h), so
 * layers sharing it never see each other's. */
enum { WORK_OWN = -1, WORK_BN_PLACE = 2 };

static int work_place(const nn_model *m, const nn_layer *l, size_t wk, size_t bn_place, int n)
{
    if (l->recomputed)
        return l == &m->layers[0] && l->kind == NN_L_CONV && wk <= bn_place ? WORK_BN_PLACE : WORK_OWN;
    for (int s = 0; s < 2; s++)
        if (!(l->spares_busy & (1u << s)) && wk <= m->spare_floats[s] * (size_t)n) return s;
    return WORK_OWN;
}

/* The activation arena of batch n: layer outputs, BN saves, the two shared places of recomputed
 * outputs, the spares, the workspace (work, floats) and, for tests, the input gradient. */
typedef struct {
    size_t outputs, save, shared[2], spare[2], work, dx, total;
} arena_plan;

static arena_plan plan_arena(const nn_model *m, int n)
{
    arena_plan a = {0};
    for (int i = 0; i < m->n_layers; i++) {
        const nn_layer *l = &m->layers[i];
        size_t *place = l->recomputed ? &a.shared[l->recomputed - 1] : NULL;
        if (!place) a.outputs += (size_t)n * out_size(l);
        else if ((size_t)n * out_size(l) > *place) *place = (size_t)n * out_size(l);
    }
    for (int i = 0; i < m->n_layers; i++) {
        size_t wk = layer_work(m, &m->layers[i], n);
        if (wk > a.work && work_place(m, &m->layers[i], wk, a.shared[NN_REDO_BN], n) == WORK_OWN) a.work = wk;
    }
    a.save = m->n_save;
    a.spare[0] = m->spare_floats[0] * (size_t)n;
    a.spare[1] = m->spare_floats[1] * (size_t)n;
    a.dx = m->keep_dx ? (size_t)n * in_size(&m->layers[0]) : 0;
    a.total = a.outputs + a.save + a.shared[0] + a.shared[1] + a.spare[0] + a.spare[1] + a.work + a.dx;
    return a;
}

int nn_model_plan_net(nn_net *net, int batch, nn_model_need *need, ws_err *e)
{
    memset(need, 0, sizeof *need);
    if (batch < 1) { nn_net_release(net); return ws_err_set(e, WS_EINPUT, "model: batch size %d: must be positive", batch); }
    if (net_usable(net, e)) return -1;
    nn_model m;
    memset(&m, 0, sizeof m);
    model_shell(&m, net, NULL, 0, 0);
    /* the sizes nn_model_from_net, nn_optim_create and nn_model_reserve(batch) allocate */
    need->n_params = m.n_params;
    need->params_bytes = (m.n_params + m.n_buffers) * sizeof(float);
    need->grads_bytes = m.n_params * sizeof(float);
    need->optim_bytes = nn_optim_state_bytes(m.n_params);
    arena_plan a = plan_arena(&m, batch);
    need->acts_bytes = a.total * sizeof(float);
    need->work_bytes = a.work * sizeof(float);
    free(m.layers);
    return 0;
}

/* Where the backward pass makes again the outputs it would otherwise make twice. The layer J
 * above a run of made-again outputs (the first kept one) makes the whole run again for its
 * backward (redo); an output of the run that another one above it in the run then overwrites
 * in their shared place is needed again by the layers below J (the next layer's backward reads
 * it as its input, a batch norm's as its ReLU mask), which made it, and the run below it, a
 * second time: in a dscnn, each block's bn0 or pointwise batch norm below the depthwise
 * layer's (one pass over a plane each), and the first convolution (its im2col and GEMM: 2.5%
 * of a batch-64 step). By then the backward pass is done with the outputs kept higher up: a
 * kept output of layer k above J is read only by layers k and k + 1, and holds a gradient only
 * from k's backward (DX_OWN) until the first layer below that does not pass it on in place
 * (its mover). So such an output, as large, whose mover is above J, can hold the run's output
 * i from J's backward to i's own: nothing of layers J down to i writes there (their gradients
 * are in spares or their own outputs, their workspaces in spares, the batch norms' place or the
 * arena's own); two such outputs share one only where those spans do not overlap. The rest is
 * made again as before; the offsets are the reserved batch's. */
static void plan_bwd_places(nn_model *m)
{
    int n = m->n_layers, used = 0;
    struct { int k, lo, hi; } taken[64];   /* a dscnn of b blocks borrows 2 + (b - 2) */
    for (int i = 0; i < n; i++) { m->layers[i].bwd_off = NN_NONE; m->layers[i].bwd_held = 0; }
    for (int i = n - 1; i >= 0; i--) {
        nn_layer *l = &m->layers[i];
        if (!l->recomputed) continue;
        int J = i + 1, overwritten = 0;
        for (; J < n && m->layers[J].recomputed; J++) overwritten |= m->layers[J].recomputed == l->recomputed;
        if (!overwritten || J >= n || used == (int)(sizeof taken / sizeof *taken)) continue;
        for (int k = J + 1; k < n && l->bwd_off == NN_NONE; k++) {
            const nn_layer *lk = &m->layers[k];
            if (lk->recomputed || out_size(lk) < out_size(l)) continue;
            int j = n;   /* the layer that takes the gradient out of k's output, if it ever holds one */
            if (dx_place(lk) == DX_OWN)
                for (j = k - 1; j > J && dx_place(&m->layers[j]) == DX_IN_PLACE; j--) continue;
            int ok = j > J;
            for (int t = 0; ok && t < used; t++) ok = taken[t].k != k || taken[t].lo > J || taken[t].hi < i;
            if (!ok) continue;
            l->bwd_off = lk->out_off;
            taken[used].k = k; taken[used].lo = i; taken[used].hi = J; used++;
        }
    }
}

int nn_model_reserve(nn_model *m, int n, ws_err *e)
{
    if (n < 1) return ws_err_set(e, WS_EINPUT, "model: batch size %d: must be positive", n);
    int shares = m->be->shares();
    if (n <= m->reserved && shares == m->work_shares && (!m->keep_dx || m->dx)) return 0;
    if (n < m->reserved) n = m->reserved;   /* a change of shares keeps the batch reserved */
    /* Sizes first; the layers' offsets change only once the new arena exists. */
    arena_plan p = plan_arena(m, n);
    float *a = m->be->alloc(p.total * sizeof(float));
    if (!a) return ws_err_set(e, WS_ENOMEM, "model: out of memory for activations of batch %d (%zu MiB)",
                              n, p.total * sizeof(float) >> 20);
    m->be->release(m->acts);
    m->acts = a;
    /* Kept outputs in layer order from 0; BN saves in their region in layer order; the
     * recomputed outputs' two places after them. */
    size_t at = 0, s = p.outputs, shared[2] = {p.outputs + p.save, p.outputs + p.save + p.shared[0]};
    for (int i = 0; i < m->n_layers; i++) {
        nn_layer *l = &m->layers[i];
        l->out_off = l->recomputed ? shared[l->recomputed - 1] : take(&at, (size_t)n * out_size(l));
        if (l->kind == NN_L_BN) { l->save_off = s; s += 2 * (size_t)l->c; }
        size_t wk = layer_work(m, l, n);
        l->work_in = wk ? work_place(m, l, wk, p.shared[NN_REDO_BN], n) : WORK_OWN;
    }
    at = shared[1] + p.shared[1];
    m->redo_place[0] = a + shared[0];
    m->redo_place[1] = a + shared[1];
    m->holds[0] = m->holds[1] = -1;
    plan_bwd_places(m);
    m->gbuf[0] = a + take(&at, p.spare[0]);
    m->gbuf[1] = a + take(&at, p.spare[1]);
    m->work = a + take(&at, p.work);
    m->dx = m->keep_dx ? a + at : NULL;
    m->reserved = n;
    m->work_shares = shares;
    m->last_n = 0;
    return 0;
}

static nn_geom layer_geom(const nn_layer *l, int n)
{
    nn_geom g = {n, l->c, l->h, l->w, l->oc, l->oh, l->ow, l->kh, l->kw, l->sh, l->sw, l->ph, l->pw};
    return g;
}

static float *act(const nn_model *m, int i) { return m->acts + m->layers[i].out_off; }
static float *work(const nn_model *m, const nn_layer *l)
{
    return l->work_in == WORK_BN_PLACE ? m->redo_place[NN_REDO_BN] : l->work_in >= 0 ? m->gbuf[l->work_in] : m->work;
}

/* Layer i's output as the backward pass finds it (plan_bwd_places). */
static float *act_bwd(const nn_model *m, int i)
{
    return m->layers[i].bwd_off != NN_NONE ? m->acts + m->layers[i].bwd_off : act(m, i);
}

/* After layer l ran (its forward, backward or redo): what the batch norms' place held is lost
 * where l's workspace lay there. */
static void work_done(nn_model *m, const nn_layer *l)
{
    if (l->work_in == WORK_BN_PLACE) m->holds[NN_REDO_BN] = -1;
}
static float *par(const nn_model *m, size_t off) { return off == NN_NONE ? NULL : m->params + off; }
static float *grad(const nn_model *m, size_t off) { return off == NN_NONE ? NULL : m->grads + off; }

/* The first batch norm over a 1x1 map (or flat features), or NULL. Trained on a batch of one
 * sample it sees one value per channel: the variance is 0 and the output is beta whatever the
 * input, so nothing before it learns. torch refuses that ("Expected more than 1 value per
 * channel when training"); so does nn_forward. */
static const nn_layer *lone_bn(const nn_model *m)
{
    for (int i = 0; i < m->n_layers; i++)
        if (m->layers[i].kind == NN_L_BN && m->layers[i].h == 1 && m->layers[i].w == 1) return &m->layers[i];
    return NULL;
}

int nn_model_min_train_batch(const nn_model *m) { return lone_bn(m) ? 2 : 1; }

int nn_forward(nn_model *m, const float *x, int n, int train, const float **logits, ws_err *e)
{
    if (train && n == 1 && lone_bn(m))
        return ws_err_set(e, WS_EINPUT, "model: batch norm %s: expected more than 1 value per channel when training "
                          "(a batch of 1 sample, a 1x1 map)", lone_bn(m)->name);
    if (nn_model_reserve(m, n, e)) return -1;
    const nn_backend *be = m->be;
    if (train) m->fwd_seed = nn_hash64(m->seed ^ nn_hash64(++m->n_forward));
    const float *in = x;
    for (int i = 0; i < m->n_layers; i++) {
        const nn_layer *l = &m->layers[i];
        float *out = act(m, i);
        nn_geom g = layer_geom(l, n);
        size_t plane = (size_t)l->h * l->w;
        switch (l->kind) {
        case NN_L_LINEAR:
            be->linear_fwd(n, l->c, l->oc, in, par(m, l->w_off), par(m, l->b_off), out, l->relu);
            break;
        case NN_L_CONV:
            be->conv_fwd(&g, in, par(m, l->w_off), par(m, l->b_off), out, l->relu, work(m, l));
            break;
        case NN_L_DWCONV: be->dwconv_fwd(&g, in, par(m, l->w_off), out, work(m, l)); break;
        case NN_L_BN:
            be->bn_fwd(l->c, (size_t)n * plane, in, par(m, l->w_off), par(m, l->b_off),
                       m->params + m->n_params + l->mean_off, m->params + m->n_params + l->var_off,
                       0.1f, 1e-5f, train, m->acts + l->save_off, out, l->relu);
            break;
        case NN_L_RELU: be->relu_fwd((size_t)n * in_size(l), in, out); break;
        case NN_L_DROPOUT:
            if (train && l->p > 0) be->dropout_fwd((size_t)n * in_size(l), l->p, nn_hash64(m->fwd_seed + (uint64_t)i), in, out);
            else be->copy(out, in, (size_t)n * in_size(l));
            break;
        case NN_L_MAXPOOL: be->pool_fwd(NN_POOL_MAX, &g, in, out); break;
        case NN_L_AVGPOOL: be->pool_fwd(NN_POOL_AVG, &g, in, out); break;
        case NN_L_GAP: be->gap_fwd(l->c, n, (int)plane, in, out); break;
        case NN_L_FLATTEN:
            if (l->flat_in) be->copy(out, in, (size_t)n * in_size(l));
            else be->flatten_fwd(l->c, n, (int)plane, in, out);
            break;
        }
        work_done(m, l);
        if (l->recomputed) m->holds[l->recomputed - 1] = i;
        in = out;
    }
    m->last_n = n;
    m->last_train = train;
    if (logits) *logits = in;
    return 0;
}

/* Layers whose backward reads their input (the others need only the gradient, or their own
 * output). */
static int reads_input(const nn_layer *l)
{
    switch (l->kind) {
    case NN_L_LINEAR: case NN_L_CONV: case NN_L_DWCONV: case NN_L_BN: case NN_L_MAXPOOL: case NN_L_AVGPOOL: return 1;
    default: return 0;
    }
}

/* Puts the output of layer i back in its shared place, unless it is kept or there already:
 * its input first (the other place, a kept output or the network input: mark_recomputed), then
 * the layer's forward over it with what its forward used (a BN's saved statistics, not the
 * batch's again), so the values are those that forward wrote. */
static void redo(nn_model *m, int i, const float *x, int n)
{
    nn_layer *l = &m->layers[i];
    int apart = l->bwd_off != NN_NONE;   /* made out of its place (plan_bwd_places) */
    if (!l->recomputed || (apart ? l->bwd_held : m->holds[l->recomputed - 1] == i)) return;
    if (i) redo(m, i - 1, x, n);
    const float *in = i ? act_bwd(m, i - 1) : x;
    float *out = act_bwd(m, i);
    nn_geom g = layer_geom(l, n);
    switch (l->kind) {
    case NN_L_BN:
        m->be->bn_apply(l->c, (size_t)n * l->h * l->w, in, par(m, l->w_off), par(m, l->b_off),
                        m->acts + l->save_off, out, l->relu);
        break;
    case NN_L_CONV: m->be->conv_fwd(&g, in, par(m, l->w_off), par(m, l->b_off), out, 0, work(m, l)); break;
    case NN_L_DWCONV: m->be->dwconv_fwd(&g, in, par(m, l->w_off), out, work(m, l)); break;
    default: break;
    }
    work_done(m, l);
    if (apart) l->bwd_held = 1;
    else m->holds[l->recomputed - 1] = i;
}

int nn_backward(nn_model *m, const float *x, const float *dlogits, ws_err *e)
{
    int n = m->last_n;
    if (n < 1) return ws_err_set(e, WS_EINTERNAL, "model: backward without a forward pass");
    const nn_backend *be = m->be;
    float *g = m->gbuf[0];
    int in = 0;                       /* the spare g is in, or -1 (see dx_place) */
    const nn_layer *last = &m->layers[m->n_layers - 1];
    if (dlogits != g) be->copy(g, dlogits, (size_t)n * out_size(last));
    for (int i = 0; i < m->n_layers; i++) m->layers[i].bwd_held = 0;   /* kept outputs there in the forward */
    /* Below the lowest layer with parameters no gradient is needed (dnn: the input gradient
     * of the first linear layer), unless a test asked for the input's (keep_dx). */
    int lowest = m->n_layers;
    for (int i = 0; i < m->n_layers && lowest == m->n_layers; i++)
        if (m->layers[i].w_off != NN_NONE) lowest = i;
    for (int i = m->n_layers - 1; i >= 0; i--) {
        if (i < lowest && !m->keep_dx) break;
        const nn_layer *l = &m->layers[i];
        if (i && reads_input(l)) redo(m, i - 1, x, n);
        if (l->kind == NN_L_BN && l->relu) redo(m, i, x, n);   /* the ReLU's mask */
        const float *in_x = i ? act_bwd(m, i - 1) : x;
        float *out = act_bwd(m, i), *dx = NULL;
        int p = dx_place(l), next_in = in;
        if (i == 0) dx = m->dx;                          /* NULL unless keep_dx */
        else if (i > lowest || m->keep_dx) {
            if (p == DX_IN_PLACE) dx = g;
            else if (p == DX_OWN) { dx = out; next_in = -1; }
            else { next_in = in == 0 ? 1 : 0; dx = m->gbuf[next_in]; }
        }
        nn_geom geo = layer_geom(l, n);
        size_t plane = (size_t)l->h * l->w, nin = (size_t)n * in_size(l);
        switch (l->kind) {
        case NN_L_LINEAR:
            be->linear_bwd(n, l->c, l->oc, in_x, par(m, l->w_off), out, g, dx, grad(m, l->w_off),
                           grad(m, l->b_off), l->relu);
            break;
        case NN_L_CONV:
            be->conv_bwd(&geo, in_x, par(m, l->w_off), out, g, dx, grad(m, l->w_off), grad(m, l->b_off),
                         l->relu, work(m, l));
            break;
        case NN_L_DWCONV: be->dwconv_bwd(&geo, in_x, par(m, l->w_off), g, dx, grad(m, l->w_off), work(m, l)); break;
        case NN_L_BN:
            be->bn_bwd(l->c, (size_t)n * plane, in_x, par(m, l->w_off), par(m, l->b_off), m->acts + l->save_off, m->last_train,
                       out, g, dx, grad(m, l->w_off), grad(m, l->b_off), l->relu);
            break;
        case NN_L_RELU: if (dx) be->relu_bwd(nin, out, g, dx); break;
        case NN_L_DROPOUT:
            if (!dx) break;
            if (m->last_train && l->p > 0) be->dropout_bwd(nin, l->p, nn_hash64(m->fwd_seed + (uint64_t)i), g, dx);
            else if (dx != g) be->copy(dx, g, nin);
            break;
        case NN_L_MAXPOOL: if (dx) be->pool_bwd(NN_POOL_MAX, &geo, in_x, out, g, dx); break;
        case NN_L_AVGPOOL: if (dx) be->pool_bwd(NN_POOL_AVG, &geo, in_x, out, g, dx); break;
        case NN_L_GAP: if (dx) be->gap_bwd(l->c, n, (int)plane, g, dx); break;
        case NN_L_FLATTEN:
            if (!dx) break;
            if (l->flat_in) { if (dx != g) be->copy(dx, g, nin); }
            else be->flatten_bwd(l->c, n, (int)plane, g, dx);
            break;
        }
        work_done(m, l);
        if (dx && i) { g = dx; in = next_in; }
    }
    return 0;
}

void nn_zero_grad(nn_model *m) { m->be->fill(m->grads, m->n_params, 0.0f); }

static int check_labels(const nn_model *m, const int *labels, int n, ws_err *e)
{
    for (int i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] >= m->n_classes)
            return ws_err_set(e, WS_EINPUT, "model: label %d of sample %d outside [0, %d)", labels[i], i, m->n_classes);
    return 0;
}

int nn_accumulate(nn_model *m, const float *x, const int *labels, int n, const nn_loss_config *lc,
                  float scale, double *loss, ws_err *e)
{
    static const nn_loss_config plain = {0};
    if (!lc) lc = &plain;
    const float *logits;
    if (check_labels(m, labels, n, e)) return -1;
    if (lc->class_weights && lc->n_class_weights != m->n_classes)
        return ws_err_set(e, WS_EINPUT, "loss: %d class weights for %d classes", lc->n_class_weights, m->n_classes);
    if (lc->balanced && !lc->class_weights)
        return ws_err_set(e, WS_EINTERNAL, "loss: balanced class weights were not computed (nn_loss_balance)");
    if (nn_forward(m, x, n, 1, &logits, e)) return -1;
    double l = m->be->xent(n, m->n_classes, logits, labels, lc->class_weights, (float)lc->label_smoothing,
                           (float)lc->focal_gamma, scale, m->gbuf[0]);
    if (loss) *loss = l;
    return nn_backward(m, x, m->gbuf[0], e);
}

int nn_predict(nn_model *m, const float *x, int n, float *logits, ws_err *e)
{
    int chunk = m->reserved > 0 ? m->reserved : (n < 256 ? n : 256);
    size_t in = (size_t)m->in_c * m->in_h * m->in_w, k = (size_t)m->n_classes;
    for (int b0 = 0; b0 < n; b0 += chunk) {
        int nb = n - b0 < chunk ? n - b0 : chunk;
        const float *out;
        if (nn_forward(m, x + (size_t)b0 * in, nb, 0, &out, e)) return -1;
        m->be->download(logits + (size_t)b0 * k, out, (size_t)nb * k * sizeof *logits);
    }
    m->last_n = 0;
    return 0;
}

void nn_softmax(const float *logits, int n, int k, float *probs)
{
    for (int i = 0; i < n; i++) {
        const float *z = logits + (size_t)i * k;
        float *p = probs + (size_t)i * k;
        float mx = z[0];
        for (int c = 1; c < k; c++) if (z[c] > mx) mx = z[c];
        double s = 0;
        for (int c = 0; c < k; c++) { p[c] = expf(z[c] - mx); s += p[c]; }
        for (int c = 0; c < k; c++) p[c] = (float)(p[c] / s);
    }
}

/* ---- accessors ------------------------------------------------------------------------------------- */

const nn_model_config *nn_model_config_of(const nn_model *m) { return &m->cfg; }
int nn_model_classes(const nn_model *m) { return m->n_classes; }
void nn_model_input_shape(const nn_model *m, int *frames, int *features) { *frames = m->in_h; *features = m->in_w; }
size_t nn_model_n_params(const nn_model *m) { return m->n_params; }
size_t nn_model_n_buffers(const nn_model *m) { return m->n_buffers; }
size_t nn_model_out_size(const nn_model *m) { return out_size(&m->layers[m->n_layers - 1]); }
const float *nn_model_input_grad(const nn_model *m) { return m->dx; }
int nn_model_n_tensors(const nn_model *m) { return m->n_tensors; }

size_t nn_model_bytes(const nn_model *m)
{
    size_t acts = 0;
    if (m->reserved) {
        arena_plan p = plan_arena(m, m->reserved);
        acts = p.outputs + p.save + p.shared[0] + p.shared[1] + p.spare[0] + p.spare[1];   /* the workspace and dx aside */
    }
    return (2 * m->n_params + m->n_buffers + acts) * sizeof(float);
}

void nn_model_get_weights(const nn_model *m, float *params, float *buffers)
{
    if (params) m->be->download(params, m->params, m->n_params * sizeof *params);
    if (buffers) m->be->download(buffers, m->params + m->n_params, m->n_buffers * sizeof *buffers);
}

void nn_model_get_weights_range(const nn_model *m, size_t first, size_t count, float *out)
{
    m->be->download(out, m->params + first, count * sizeof *out);   /* the buffers follow the parameters */
}

void nn_model_set_weights(nn_model *m, const float *params, const float *buffers)
{
    if (params) m->be->upload(m->params, params, m->n_params * sizeof *params);
    if (buffers) m->be->upload(m->params + m->n_params, buffers, m->n_buffers * sizeof *buffers);
}

void nn_model_get_grads(const nn_model *m, float *grads)
{
    m->be->download(grads, m->grads, m->n_params * sizeof *grads);
}

size_t nn_model_tensor(const nn_model *m, int i, const char **name, int shape[4], int *ndim, int *is_buffer)
{
    const nn_tensor_info *t = &m->tensors[i];
    if (name) *name = t->name;
    if (shape) memcpy(shape, t->shape, sizeof t->shape);
    if (ndim) *ndim = t->ndim;
    if (is_buffer) *is_buffer = t->is_buffer;
    return t->count;
}

void nn_set_threads(int threads, int shares) { nn_backend_cpu()->set_threads(threads, shares); }
