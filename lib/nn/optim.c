/* optim.c — SGD, Adam and AdamW with torch.optim's semantics, learning-rate schedules, the step
 * counts and rules of gradient accumulation, and gradient clipping by global norm. The state
 * (momentum buffers or Adam's two moments) is one allocation in the model's backend; a step is
 * one fused update over all parameters. */
#include <math.h>
#include <stdlib.h>
#include "nn/model.h"

struct nn_optim {
    nn_model *m;
    const nn_backend *be;        /* its own, so it may be freed after the model */
    nn_optim_config c;
    long total, warmup, t;       /* steps: planned, of warmup, taken */
    float *state;                /* [2][n_params]: SGD momentum / Adam m, then Adam v */
};

size_t nn_optim_state_bytes(size_t n_params) { return 2 * n_params * sizeof(float) + sizeof(float); }

nn_optim *nn_optim_create(nn_model *m, const nn_optim_config *c, long total_steps, long warmup_steps, ws_err *e)
{
    if (!(c->lr >= 0)) return ws_err_set(e, WS_EINPUT, "optimizer: learning rate %g: must be >= 0", c->lr), NULL;
    if (c->kind == NN_OPT_SGD && c->nesterov && c->momentum <= 0)
        return ws_err_set(e, WS_EINPUT, "optimizer: nesterov needs momentum > 0"), NULL;
    if (warmup_steps < 0 || total_steps < 0)
        return ws_err_set(e, WS_EINPUT, "optimizer: negative step counts"), NULL;
    nn_optim *o = calloc(1, sizeof *o);
    if (!o) return ws_err_set(e, WS_ENOMEM, "optimizer: out of memory"), NULL;
    o->m = m;
    o->be = m->be;
    o->c = *c;
    if (isnan(o->c.weight_decay)) o->c.weight_decay = c->kind == NN_OPT_ADAMW ? 1e-2 : 0.0;
    o->total = total_steps;
    o->warmup = warmup_steps;
    o->state = m->be->alloc(nn_optim_state_bytes(m->n_params));
    if (!o->state) {
        free(o);
        return ws_err_set(e, WS_ENOMEM, "optimizer: out of memory for %zu parameters", m->n_params), NULL;
    }
    return o;
}

void nn_optim_free(nn_optim *o)
{
    if (!o) return;
    o->be->release(o->state);
    free(o);
}

long nn_optim_steps(const nn_optim *o) { return o->t; }

double nn_schedule_lr(const nn_optim_config *c, long t, long total_steps, long warmup_steps)
{
    if (t < warmup_steps) return c->lr * (double)(t + 1) / (double)warmup_steps;
    if (c->schedule == NN_SCHED_CONSTANT) return c->lr;
    long span = total_steps - warmup_steps;
    if (span <= 0) return c->lr;
    double u = (double)(t - warmup_steps) / (double)span;
    if (u > 1) u = 1;
    return c->lr * 0.5 * (1.0 + cos(M_PI * u));
}

static long accumulate_k(const nn_optim_config *c) { return c->accumulate > 1 ? c->accumulate : 1; }

long nn_epoch_steps(const nn_optim_config *c, long batches) { return (batches + accumulate_k(c) - 1) / accumulate_k(c); }

long nn_warmup_steps(const nn_optim_config *c, long epoch_steps) { return lround(c->warmup_epochs * (double)epoch_steps); }

int nn_accumulate_starts(const nn_optim_config *c, long b) { return b % accumulate_k(c) == 0; }

int nn_accumulate_ends(const nn_optim_config *c, long b, long batches)
{
    return (b + 1) % accumulate_k(c) == 0 || b + 1 >= batches;
}

float nn_accumulate_scale(const nn_optim_config *c) { return 1.0f / (float)accumulate_k(c); }

double nn_optim_lr(const nn_optim *o) { return nn_schedule_lr(&o->c, o->t, o->total, o->warmup); }

void nn_optim_step(nn_optim *o, double *grad_norm)
{
    nn_model *m = o->m;
    const nn_backend *be = m->be;
    size_t n = m->n_params;
    if (o->c.clip_norm > 0 || grad_norm) {
        double norm = sqrt(be->sumsq(n, m->grads));
        if (grad_norm) *grad_norm = norm;
        if (o->c.clip_norm > 0) {
            /* torch.nn.utils.clip_grad_norm_: coefficient clip / (norm + 1e-6), applied when < 1 */
            double coef = o->c.clip_norm / (norm + 1e-6);
            if (coef < 1) be->scale(n, (float)coef, m->grads);
        }
    }
    nn_update_args a = {0};
    a.kind = (int)o->c.kind;
    a.lr = (float)nn_optim_lr(o);
    a.momentum = (float)o->c.momentum;
    a.dampening = 0.0f;
    a.weight_decay = (float)o->c.weight_decay;
    a.beta1 = (float)o->c.beta1;
    a.beta2 = (float)o->c.beta2;
    a.eps = (float)o->c.eps;
    a.nesterov = o->c.nesterov;
    a.first = o->t == 0;
    long step = o->t + 1;
    a.omb1 = (float)(1.0 - o->c.beta1);
    a.omb2 = (float)(1.0 - o->c.beta2);
    a.bc1 = (float)(1.0 - pow(o->c.beta1, (double)step));
    a.bc2_sqrt = (float)sqrt(1.0 - pow(o->c.beta2, (double)step));
    be->update(&a, n, m->params, m->grads, o->state, o->state + n);
    o->t++;
}

int nn_train_step(nn_model *m, nn_optim *o, const float *x, const int *labels, int n,
                  const nn_loss_config *lc, double *loss, ws_err *e)
{
    nn_zero_grad(m);
    if (nn_accumulate(m, x, labels, n, lc, 1.0f, loss, e)) return -1;
    nn_optim_step(o, NULL);
    return 0;
}
