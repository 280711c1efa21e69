/* models.c — the three keyword-spotting architectures of nn.h (dnn, cnn, dscnn) as layer lists.
 * The order of layers is the order of torch's nn.Sequential in tests/ref/make_nn_golden.py, so
 * parameters line up with torch's named_parameters(). */
#include <stdio.h>
#include "nn/model.h"

static void build_dnn(nn_net *net, const nn_model_config *c, int n_classes)
{
    char name[32];
    nn_net_flatten(net);
    for (int i = 0; i < c->blocks; i++) {
        snprintf(name, sizeof name, "fc%d", i);
        nn_net_linear(net, name, c->channels, 1, 1);
        if (c->dropout > 0) nn_net_dropout(net, (float)c->dropout);
    }
    nn_net_linear(net, "out", n_classes, 1, 0);
}

static void build_cnn(nn_net *net, const nn_model_config *c, int n_classes)
{
    nn_net_conv(net, "conv0", c->channels, c->kernel[0], c->kernel[1], c->stride[0], c->stride[1],
                c->kernel[0] / 2, c->kernel[1] / 2, 1, 1);
    nn_net_conv(net, "conv1", c->channels, c->inner_kernel[0], c->inner_kernel[1], 1, 1,
                c->inner_kernel[0] / 2, c->inner_kernel[1] / 2, 1, 1);
    nn_net_pool(net, NN_POOL_MAX, c->pool[0], c->pool[1]);
    nn_net_flatten(net);
    if (c->dropout > 0) nn_net_dropout(net, (float)c->dropout);
    if (c->hidden > 0) {
        nn_net_linear(net, "fc0", c->hidden, 1, 1);
        if (c->dropout > 0) nn_net_dropout(net, (float)c->dropout);
    }
    nn_net_linear(net, "out", n_classes, 1, 0);
}

static void build_dscnn(nn_net *net, const nn_model_config *c, int n_classes)
{
    char name[32];
    nn_net_conv(net, "conv0", c->channels, c->kernel[0], c->kernel[1], c->stride[0], c->stride[1],
                c->kernel[0] / 2, c->kernel[1] / 2, 0, 0);
    nn_net_bn(net, "bn0", 1);
    for (int i = 1; i <= c->blocks; i++) {
        snprintf(name, sizeof name, "block%d.dw", i);
        nn_net_dwconv(net, name, c->inner_kernel[0], c->inner_kernel[1], 1, 1, c->inner_kernel[0] / 2,
                      c->inner_kernel[1] / 2);
        snprintf(name, sizeof name, "block%d.dw_bn", i);
        nn_net_bn(net, name, 1);
        snprintf(name, sizeof name, "block%d.pw", i);
        nn_net_conv(net, name, c->channels, 1, 1, 1, 1, 0, 0, 0, 0);
        snprintf(name, sizeof name, "block%d.pw_bn", i);
        nn_net_bn(net, name, 1);
    }
    nn_net_gap(net);
    if (c->dropout > 0) nn_net_dropout(net, (float)c->dropout);
    nn_net_linear(net, "out", n_classes, 1, 0);
}

/* The layer list of nn_model_create, shapes and counts only (nothing allocated for them). */
static int build(nn_net *net, const nn_model_config *c, int n_classes, int frames, int features, ws_err *e)
{
    if (n_classes < 2) return ws_err_set(e, WS_EINPUT, "model: %d classes: need at least 2", n_classes);
    if (!(c->dropout >= 0 && c->dropout <= 1))
        return ws_err_set(e, WS_EINPUT, "model: dropout %g: must be in [0, 1]", c->dropout);
    nn_net_begin(net, 1, frames, features, e);
    switch (c->arch) {
    case NN_DNN: build_dnn(net, c, n_classes); break;
    case NN_CNN: build_cnn(net, c, n_classes); break;
    case NN_DSCNN: build_dscnn(net, c, n_classes); break;
    default:
        nn_net_release(net);
        return ws_err_set(e, WS_EINTERNAL, "model: unknown architecture %d", (int)c->arch);
    }
    return 0;
}

nn_model *nn_model_create(const nn_model_config *c, int n_classes, int frames, int features,
                          uint64_t seed, ws_err *e)
{
    nn_net net;
    if (build(&net, c, n_classes, frames, features, e)) return NULL;
    return nn_model_from_net(&net, c, n_classes, seed, e);
}

int nn_model_count(const nn_model_config *c, int n_classes, int frames, int features, size_t *n_params,
                   size_t *n_buffers, ws_err *e)
{
    nn_net net;
    if (build(&net, c, n_classes, frames, features, e)) return -1;
    int failed = net.failed || net.n == 0;
    if (!net.failed && net.n == 0) ws_err_set(e, WS_EINTERNAL, "model: no layers");
    *n_params = net.n_params;
    *n_buffers = net.n_buffers;
    nn_net_release(&net);
    return failed ? -1 : 0;
}

int nn_model_plan(const nn_model_config *c, int n_classes, int frames, int features, int batch, nn_model_need *need,
                  ws_err *e)
{
    nn_net net;
    if (build(&net, c, n_classes, frames, features, e)) return -1;
    return nn_model_plan_net(&net, batch, need, e);
}
