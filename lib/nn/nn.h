/* nn.h — the training core: small keyword-spotting networks (dnn, cnn, dscnn after "Hello Edge",
 * Zhang et al. 2017, arXiv 1711.07128) trained in plain C with PyTorch's semantics: the same
 * initialisation, layers, losses, optimizers and schedules, so a trial here learns as it would in
 * torch. Everything runs through a backend table (nn/backend.h); the CPU backend uses OpenBLAS.
 * nn knows nothing of studies, caches or audio: it takes arrays and hyperparameters.
 *
 * How a train loop (train-trial) uses it, in order:
 *
 *   nn_hparams hp;
 *   nn_hparams_default(&hp);
 *   if (nn_hparams_parse(&hp, params, "params", &e)) → exit 2 (the message names the field)
 *       nn ignores keys it does not know; nn_hparams_keys() lists those it reads, so the caller
 *       rejects a trial's unknown parameters by checking against that list plus its own.
 *   if (hp.loss.balanced) nn_loss_balance(&hp.loss, class_counts, n_classes);
 *   nn_set_threads(threads, shares);               // the trial's cores, the split; before training
 *   nn_model *m = nn_model_create(&hp.model, n_classes, frames, n_feat, seed, &e);
 *   nn_optim *o = nn_optim_create(m, &hp.optim, total_steps, warmup_steps, &e);
 *       total_steps = epochs * optimizer steps per epoch; warmup_steps =
 *       lround(hp.optim.warmup_epochs * steps per epoch) (the caller knows the epoch size).
 *   each step, a batch of B clips (B may vary; activation memory grows to the largest B seen):
 *       x [B][frames][mels] ← the clips' cached linear mel power; y [B] ← labels
 *       nn_augment_power(&hp.aug, x, B, frames, mels, &noise, ws_seed_mix(seed, step), &e);
 *       f [B][frames][n_feat] ← log-mel or MFCC of x (lib/audio; nn does not transform)
 *       nn_augment_masks(&hp.aug, f, B, frames, n_feat, 0.0f, ws_seed_mix(seed, step));
 *       nn_train_step(m, o, f, y, B, &hp.loss, &loss, &e)   −1: a label outside [0, n_classes)
 *           (WS_EINPUT) or no memory for the batch's activations (WS_ENOMEM: "oom")
 *       !isfinite(loss) → the trial fails ("nan loss")
 *     with gradient accumulation (hp.optim.accumulate = k micro-batches per step) instead:
 *       nn_zero_grad(m); k × nn_accumulate(m, f_i, y_i, B_i, &hp.loss, 1.0f / k, &loss_i, &e);
 *       nn_optim_step(o, &grad_norm);
 *   validation: nn_metrics_init(&mt, n_classes); per batch nn_predict(m, f, B, logits, &e) and
 *       nn_metrics_add(&mt, logits, y, B); then nn_metrics_json(&mt, names, positive) and
 *       nn_metrics_positive(...) for the objective; nn_metrics_release(&mt).
 *   best so far: nn_checkpoint_save(path, m, class_names, trial_json, features_json, metrics_json, &e);
 *   --evaluate: m = nn_checkpoint_load(path, &header, &e) (header: config, classes, features).
 *   nn_optim_free(o); nn_model_free(m); nn_hparams_release(&hp);
 *
 * Arrays passed in (x, labels, logits) are host memory; on the CPU backend they are used in
 * place. x must stay valid between nn_forward and nn_backward (nn_train_step and nn_accumulate
 * do both). Networks take x as [B][1][frames][features] float32 (frames = time). Every function
 * returning int returns 0 or −1 with e filled; WS_EINPUT for bad configurations or shapes,
 * WS_ENOMEM for allocation failures. Same seed, same inputs, same shares (nn_set_threads): the same
 * run, bit for bit, on any number of threads. */
#ifndef WS_NN_NN_H
#define WS_NN_NN_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

/* ---- hyperparameters ------------------------------------------------------------------------ */

typedef enum { NN_DNN, NN_CNN, NN_DSCNN } nn_arch;

/* The network. Names in quotes are the JSON keys (nn_hparams_parse). Convolutions pad by
 * kernel / 2 on each side ("same" for odd kernels), as is usual in KWS models.
 *   dnn:   flatten → blocks × [linear(channels) → ReLU → dropout] → linear(n_classes)
 *   cnn:   conv(kernel, stride) → ReLU → conv(inner_kernel) → ReLU → maxpool(pool) → flatten
 *          → dropout → [linear(hidden) → ReLU → dropout] → linear(n_classes)
 *   dscnn: conv(kernel, stride) → BN → ReLU → blocks × [depthwise(inner_kernel) → BN → ReLU →
 *          pointwise → BN → ReLU] → global average pool → dropout → linear(n_classes)
 * Convolutions followed by batch norm have no bias, as usual (torch: bias=False). */
typedef struct nn_model_config {
    nn_arch arch;            /* "model": "dnn" | "cnn" | "dscnn" */
    int channels;            /* "channels": dnn units per hidden layer; cnn/dscnn filters */
    int blocks;              /* "blocks": dnn hidden layers; dscnn separable blocks (cnn: unused) */
    int kernel[2];           /* "kernel": first conv, [frames, features] (or one number for both) */
    int stride[2];           /* "stride": first conv */
    int inner_kernel[2];     /* "inner_kernel": cnn's second conv, dscnn's depthwise convs */
    int pool[2];             /* "pool": cnn's max pool, kernel = stride */
    int hidden;              /* "hidden": cnn's hidden linear layer units; 0 = none */
    double dropout;          /* "dropout": probability in [0, 1] (1: every activation zeroed, as torch) */
} nn_model_config;

typedef enum { NN_OPT_SGD, NN_OPT_ADAM, NN_OPT_ADAMW } nn_optim_kind;
typedef enum { NN_SCHED_CONSTANT, NN_SCHED_COSINE } nn_schedule_kind;

typedef struct nn_optim_config {
    nn_optim_kind kind;      /* "optimizer": "sgd" | "adam" | "adamw" */
    double lr;               /* "learning_rate" */
    double momentum;         /* "momentum" (sgd; 0 unless given, as torch's; dampening is 0) */
    int nesterov;            /* "nesterov" (sgd; needs momentum > 0) */
    double weight_decay;     /* "weight_decay": sgd/adam add it to the gradient, adamw decouples it;
                                NAN = torch's default (0.01 for adamw, else 0) */
    double beta1, beta2, eps;/* "beta1", "beta2", "eps" (adam/adamw) */
    nn_schedule_kind schedule; /* "schedule": "constant" | "cosine" (torch's CosineAnnealingLR over
                                  the steps after warmup: 0 would be the step after the last) */
    double warmup_epochs;    /* "warmup_epochs" in [0, 100000]: linear warmup, then the schedule */
    double clip_norm;        /* "clip_norm": clip the global gradient norm; 0 = off */
    int accumulate;          /* "accumulate": micro-batches per optimizer step (the loop's job) */
} nn_optim_config;

typedef struct nn_loss_config {
    double label_smoothing;  /* "label_smoothing" in [0, 1] */
    double focal_gamma;      /* "focal_gamma" >= 0; 0 = cross-entropy */
    float *class_weights;    /* "class_weights": [n_class_weights] or NULL; owned by nn_hparams */
    int n_class_weights;
    int balanced;            /* "class_weights": "balanced" — fill with nn_loss_balance */
} nn_loss_config;

typedef struct nn_augment_config {
    double noise_prob;       /* "noise_prob": chance a clip gets background noise */
    double snr_low, snr_high;/* "snr_low", "snr_high": its SNR in dB, uniform */
    int time_shift;          /* "time_shift": max frames of shift either way, zero filled */
    int time_masks, time_mask_width;   /* "time_masks", "time_mask_width" (SpecAugment) */
    int freq_masks, freq_mask_width;   /* "freq_masks", "freq_mask_width" */
} nn_augment_config;

typedef struct nn_hparams {
    nn_model_config model;
    nn_optim_config optim;
    nn_loss_config loss;
    nn_augment_config aug;
} nn_hparams;

/* Defaults: dscnn (64 channels, 4 blocks, kernel [10,4], stride [2,2]), adam at 1e-3, constant
 * schedule, no clipping, plain cross-entropy, no augmentation. */
void nn_hparams_default(nn_hparams *hp);
/* The defaults of one architecture's network. */
void nn_model_config_default(nn_model_config *c, nn_arch arch);
/* Reads the keys listed above from a JSON object of parameters (a trial's "params" merged with
 * the study's fixed settings); "model" first, so the other keys override that model's defaults.
 * Errors name the field: "params.dropout: 1.5: must be in [0, 1]". Unknown keys ignored. Each
 * value is checked alone (nn_hparams_parse_each), then beside the others
 * (nn_hparams_check_together). */
int nn_hparams_parse(nn_hparams *hp, const json_t *params, const char *where, ws_err *e);
/* nn_hparams_parse's reading, each value checked alone (its type and range). */
int nn_hparams_parse_each(nn_hparams *hp, const json_t *params, const char *where, ws_err *e);
/* Values each taken alone but refused together: "WHERE.snr_low: 25 is above snr_high 20",
 * "WHERE.nesterov: needs momentum > 0" (SGD). */
int nn_hparams_check_together(const nn_hparams *hp, const char *where, ws_err *e);
/* The keys that nn_hparams_check_together's check i reads (NULL-terminated); NULL when i is past
 * the last check. */
const char *const *nn_hparams_together_keys(int i);
/* nn_hparams_check_together's check i alone (i below the count nn_hparams_together_keys gives). */
int nn_hparams_check_together_one(const nn_hparams *hp, int i, const char *where, ws_err *e);
void nn_hparams_release(nn_hparams *hp);
/* NULL-terminated list of the keys nn_hparams_parse reads. */
const char *const *nn_hparams_keys(void);
/* The network part as JSON ({"model":"dscnn","channels":64,...}); NULL when out of memory. */
json_t *nn_model_config_json(const nn_model_config *c);

/* ---- models ------------------------------------------------------------------------------------ */

typedef struct nn_model nn_model;

#define NN_MAX_THREADS 64   /* the most threads, and shares, nn_set_threads takes */

/* Sets the threads training may use, the trial's share of the machine, and the shares every
 * operation is cut into (at least the threads; 0: as many as the threads). Process-wide; call
 * it between steps. The CPU backend runs the shares on a pool of that many threads and pins
 * OpenBLAS to one thread inside each share (openblas_set_num_threads(1)), so nothing is ever
 * oversubscribed. The weights depend on the shares, never on the threads: a trial may change
 * its threads between any two steps (up to its shares) and train bit for bit as it would have.
 * Models re-size their scratch space on the next step when the shares change. */
void nn_set_threads(int threads, int shares);

/* Maps OpenBLAS's work buffers for `threads` GEMMs at once (128 MiB of address space each,
 * touched only as used), so that a process short of memory fails here, WS_ENOMEM "out of
 * memory", rather than spin in OpenBLAS's allocator, which retries a failed mmap forever, the
 * first time that many GEMMs run at once. Call it before building models with the threads of
 * nn_set_threads, and again before raising them. */
int nn_reserve_blas(int threads, ws_err *e);

/* The OpenBLAS kernels GEMMs run in, as words for --version and benchmarks ("OpenBLAS SkylakeX
 * kernels ..."), into buf. Where OPENBLAS_CORETYPE is unset and OpenBLAS took kernels of an older
 * instruction set than the CPU has (a CPU newer than its table of models), lib/nn chose the
 * CPU's at start-up (blas_kernels.c), and the words say so. */
const char *nn_blas_kernels(char *buf, size_t n);
/* Where OPENBLAS_CORETYPE is set to a value that changed nothing (OpenBLAS ignores a name it does
 * not know and runs the kernels it picks without it), a sentence saying so for a note, into buf;
 * else NULL. An empty OPENBLAS_CORETYPE is unset. */
const char *nn_blas_coretype_note(char *buf, size_t n);
/* Chooses them again as at start-up (which calls it): 1 when it replaced OpenBLAS's choice, 0 when
 * it kept it. Call it only while no GEMM runs (tests call it after forcing other kernels). */
int nn_blas_choose_kernels(void);

/* Builds the network for inputs [B][1][frames][features] and n_classes outputs, initialised as
 * torch does (kaiming_uniform(a=sqrt(5)) weights, U(±1/sqrt(fan_in)) biases, BN γ=1 β=0),
 * drawn from a ws_rng seeded with seed; dropout masks derive from the seed too. WS_EINPUT when
 * the configuration does not fit the input (e.g. a kernel larger than the padded input). */
nn_model *nn_model_create(const nn_model_config *cfg, int n_classes, int frames, int features,
                          uint64_t seed, ws_err *e);
/* The parameter and buffer floats nn_model_create would allocate for the same arguments, found
 * without allocating them (a checkpoint's header is held against its file before a model is
 * built from it). 0, or -1 with e set as nn_model_create would set it. */
int nn_model_count(const nn_model_config *cfg, int n_classes, int frames, int features, size_t *n_params,
                   size_t *n_buffers, ws_err *e);
/* Host memory a model takes to train, in bytes: its first two arenas (parameters and buffers,
 * gradients), the optimizer's state (nn_optim_create) and the activation arena for a batch
 * (nn_model_reserve), as those calls will size them. */
typedef struct nn_model_need {
    size_t n_params;                 /* trainable floats */
    size_t params_bytes;             /* parameters and buffers (BN running statistics) */
    size_t grads_bytes;
    size_t optim_bytes;              /* SGD's momentum or Adam's two moments */
    size_t acts_bytes;               /* layer outputs, BN saves, gradient buffers, conv workspace */
    size_t work_bytes;               /* of acts_bytes, the conv workspace (grows with the batch up
                                      * to a chunk of samples, then stays) */
} nn_model_need;
/* The memory nn_model_create, nn_optim_create and a training step of `batch` samples will
 * allocate for these settings (on the CPU backend, at the shares nn_set_threads gave: the conv
 * workspace is per share), found from the layer list alone, allocating none of it: so that a
 * model past the machine's memory is refused before it is built, rather than built and killed by
 * the kernel as its pages are touched. 0, or -1 with e as nn_model_create would set it. */
int nn_model_plan(const nn_model_config *cfg, int n_classes, int frames, int features, int batch,
                  nn_model_need *need, ws_err *e);
void nn_model_free(nn_model *m);
const nn_model_config *nn_model_config_of(const nn_model *m);
int nn_model_classes(const nn_model *m);
void nn_model_input_shape(const nn_model *m, int *frames, int *features);
size_t nn_model_n_params(const nn_model *m);    /* trainable floats */
size_t nn_model_n_buffers(const nn_model *m);   /* BN running means and variances */
/* Bytes held: parameters, buffers, gradients, activations for the largest batch so far. */
size_t nn_model_bytes(const nn_model *m);
/* Copies of the weights in torch's order (module order; weight then bias; for each BN layer
 * running_mean then running_var among the buffers). NULL skips that part. */
void nn_model_get_weights(const nn_model *m, float *params, float *buffers);
/* count floats of those from float `first` of the parameters then the buffers (as one list, as a
 * checkpoint holds them), to write a large model a part at a time. */
void nn_model_get_weights_range(const nn_model *m, size_t first, size_t count, float *out);
void nn_model_set_weights(nn_model *m, const float *params, const float *buffers);
void nn_model_get_grads(const nn_model *m, float *grads);
/* Name, shape and whether it is a buffer, of tensor i (0 <= i < nn_model_n_tensors): for
 * checkpoints and tools that map to torch's state_dict. Returns the element count. */
int nn_model_n_tensors(const nn_model *m);
size_t nn_model_tensor(const nn_model *m, int i, const char **name, int shape[4], int *ndim, int *is_buffer);
/* Activation memory for batches up to n (done automatically by the calls below). */
int nn_model_reserve(nn_model *m, int n, ws_err *e);

/* The smallest batch a train-mode forward pass takes: 2 where a batch norm normalizes a 1x1
 * map (it would see one value per channel, which torch refuses), else 1. */
int nn_model_min_train_batch(const nn_model *m);
/* Forward pass; train = 1 uses batch statistics and dropout (a batch below
 * nn_model_min_train_batch: WS_EINPUT, as torch's ValueError). *logits points into the model
 * (valid until the next call): [n][n_classes]. */
int nn_forward(nn_model *m, const float *x, int n, int train, const float **logits, ws_err *e);
/* Adds the gradients of the last train-mode forward pass for d(loss)/d(logits) = dlogits
 * [n][n_classes] to the parameter gradients. */
int nn_backward(nn_model *m, const float *x, const float *dlogits, ws_err *e);
void nn_zero_grad(nn_model *m);
/* forward (train) + loss + backward: adds scale × d(loss)/d(params) to the gradients and stores
 * the batch loss in *loss. Labels must lie in [0, n_classes). */
int nn_accumulate(nn_model *m, const float *x, const int *labels, int n, const nn_loss_config *lc,
                  float scale, double *loss, ws_err *e);
/* Eval-mode logits [n][n_classes] into host memory; any n. */
int nn_predict(nn_model *m, const float *x, int n, float *logits, ws_err *e);
/* Softmax of logits [n][k] into probs (may alias). */
void nn_softmax(const float *logits, int n, int k, float *probs);

/* ---- losses ------------------------------------------------------------------------------------- */

/* Cross-entropy over logits [n][k] with torch's semantics: log-softmax, label smoothing
 * (1 − s) on the label and s / k on every class, class weights w (the loss of sample i is
 * weighted by w_{y_i} and the smoothing term of class c by w_c; the mean divides by
 * sum_i w_{y_i}, as torch's reduction='mean'); with focal_gamma γ > 0 each term −log p_c
 * becomes −(1 − p_c)^γ log p_c. Writes d(loss)/d(logits) into dlogits when not NULL.
 * Returns the loss, or NAN with e filled for a label outside [0, k) or a weights length ≠ k. */
double nn_loss(const float *logits, const int *labels, int n, int k, const nn_loss_config *lc,
               float *dlogits, ws_err *e);
/* Class weights n_total / (k n_c) (sklearn's "balanced"); classes without samples get 0. */
int nn_loss_balance(nn_loss_config *lc, const long *class_counts, int k, ws_err *e);

/* ---- optimizers ------------------------------------------------------------------------------- */

typedef struct nn_optim nn_optim;

/* An optimizer over all of m's parameters, with its state (momentum or Adam's moments) in one
 * allocation. total_steps bounds the cosine schedule; warmup_steps of linear warmup first. */
nn_optim *nn_optim_create(nn_model *m, const nn_optim_config *c, long total_steps, long warmup_steps,
                          ws_err *e);
/* Bytes of the state nn_optim_create allocates for n_params parameters (two floats each, as
 * Adam's moments; SGD's momentum uses the first). */
size_t nn_optim_state_bytes(size_t n_params);
/* Frees the optimizer and its state (in any order with its model; steps need the model). */
void nn_optim_free(nn_optim *o);
/* Clips the gradients to clip_norm (torch.nn.utils.clip_grad_norm_: scale by
 * clip / (norm + 1e-6) when that is below 1), updates the parameters at the scheduled learning
 * rate and counts the step. *grad_norm (when not NULL) receives the norm before clipping. */
void nn_optim_step(nn_optim *o, double *grad_norm);
long nn_optim_steps(const nn_optim *o);       /* steps taken */
double nn_optim_lr(const nn_optim *o);        /* learning rate of the next step */
/* The learning rate at step t (0-based): lr (t+1)/W during warmup (W steps), then constant or
 * lr (1 + cos(pi (t − W) / (T − W))) / 2. */
double nn_schedule_lr(const nn_optim_config *c, long t, long total_steps, long warmup_steps);
/* An epoch of a training loop with gradient accumulation, as train-trial runs it (k =
 * c->accumulate micro-batches a step; below 1 reads as 1), for both its step counts and its loop,
 * so the trainer and the PyTorch parity test share them:
 *   steps = nn_epoch_steps(c, batches): ceil(batches / k), the steps the schedule counts;
 *   warmup = nn_warmup_steps(c, steps): lround(warmup_epochs × steps);
 *   each batch b (from 0): if nn_accumulate_starts(c, b) nn_zero_grad(m);
 *       nn_accumulate(m, ..., nn_accumulate_scale(c) = 1/k, ...);
 *       if nn_accumulate_ends(c, b, batches) nn_optim_step(o, ...);
 * a step after every k-th batch and after the epoch's last, which takes the batches left, still
 * scaled 1/k (torch code that divides each batch's loss by k and steps at the epoch's end). */
long nn_epoch_steps(const nn_optim_config *c, long batches);
long nn_warmup_steps(const nn_optim_config *c, long epoch_steps);
int nn_accumulate_starts(const nn_optim_config *c, long b);
int nn_accumulate_ends(const nn_optim_config *c, long b, long batches);
float nn_accumulate_scale(const nn_optim_config *c);
/* zero_grad + nn_accumulate(scale 1) + nn_optim_step. */
int nn_train_step(nn_model *m, nn_optim *o, const float *x, const int *labels, int n,
                  const nn_loss_config *lc, double *loss, ws_err *e);

/* ---- augmentation ------------------------------------------------------------------------------- */

/* Background noise as a stream of linear mel power frames; segments are read from a random
 * offset and wrap around. */
typedef struct nn_noise {
    const float *power;      /* [frames][mels] */
    size_t frames;
    int mels;
} nn_noise;

/* On linear mel power x [n][frames][mels], in place, deterministic from seed (each clip draws
 * from its own stream, ws_seed_mix(seed, clip)): time shift by a uniform integer in
 * [−time_shift, time_shift] frames (zero fill), then with probability noise_prob a noise segment
 * at SNR uniform in [snr_low, snr_high] dB: x + noise 10^(−snr/10) P_x / P_noise, P the mean
 * power. noise may be NULL (no mixing). WS_EINPUT when noise has other mels. */
int nn_augment_power(const nn_augment_config *a, float *x, int n, int frames, int mels,
                     const nn_noise *noise, uint64_t seed, ws_err *e);
/* SpecAugment on features x [n][frames][features], in place: time_masks masks of width uniform
 * in [0, time_mask_width] frames at a uniform start, the same across features, then freq_masks
 * over features; masked values become fill. */
void nn_augment_masks(const nn_augment_config *a, float *x, int n, int frames, int features,
                      float fill, uint64_t seed);

/* The random draws of those two for clip pos of a batch, one place for every backend (the GPU
 * plans an epoch's on the host, lib/nn/device.c). nn_augment_power's: noise_frames, the
 * noise's frames (0: none to mix). */
typedef struct nn_power_draw {
    int shift;               /* frames, positive: later */
    int noisy;               /* a noise segment is mixed in: */
    double snr_db;           /*   at this SNR */
    size_t noise_start;      /*   from this frame (wrapping around) */
} nn_power_draw;
void nn_augment_draw_power(const nn_augment_config *a, uint64_t seed, uint64_t pos, size_t noise_frames,
                           nn_power_draw *d);
/* The masks applied (those of width 0 never are), and nn_augment_masks's draws: start_width
 * [time_masks + freq_masks][2], the time masks first. */
#define NN_AUGMENT_MAX_MASKS 100   /* of each kind: nn_hparams_parse's limit */
#define NN_AUGMENT_MASK_STREAM 0x6d61736bULL   /* "mask": the masks' draws apart from the power's */
void nn_augment_mask_counts(const nn_augment_config *a, int *time_masks, int *freq_masks);
void nn_augment_draw_masks(const nn_augment_config *a, uint64_t seed, uint64_t pos, int frames, int features,
                           int32_t *start_width);

/* ---- metrics ------------------------------------------------------------------------------------- */

typedef struct nn_metrics {
    int k;                   /* classes */
    long *confusion;         /* [k true][k predicted] counts */
} nn_metrics;

int nn_metrics_init(nn_metrics *mt, int k, ws_err *e);
void nn_metrics_release(nn_metrics *mt);
void nn_metrics_reset(nn_metrics *mt);
/* Counts argmax(logits[i]) against labels[i]. */
void nn_metrics_add(nn_metrics *mt, const float *logits, const int *labels, int n);
void nn_metrics_add_one(nn_metrics *mt, int label, int predicted);
/* The predicted class of logits z[0..k): the first of equal maxima. */
int nn_argmax(const float *z, int k);
long nn_metrics_total(const nn_metrics *mt);
double nn_metrics_accuracy(const nn_metrics *mt);
/* Precision, recall and F1 of class c (0 where undefined, as sklearn's zero_division=0). */
void nn_metrics_class(const nn_metrics *mt, int c, double *precision, double *recall, double *f1);
double nn_metrics_macro_f1(const nn_metrics *mt);
/* The positive class against the rest: F1, false-positive rate FP / (FP + TN) and
 * false-rejection rate FN / (TP + FN). */
void nn_metrics_positive(const nn_metrics *mt, int pos, double *f1, double *fpr, double *frr);
/* Accuracy of the wake-word-versus-rest decision (TP + TN) / N: a confusion between two
 * negative classes is no error here. */
double nn_metrics_binary_accuracy(const nn_metrics *mt, int pos);
/* {"accuracy","macro_f1","per_class":{NAME:{"precision","recall","f1","support"}},
 *  "confusion":[[...]], and with positive >= 0 those of nn_metrics_wake_json}. names may be
 *  NULL. */
json_t *nn_metrics_json(const nn_metrics *mt, const char *const *names, int positive);
/* Sets "f1","fpr","frr","binary_accuracy" of the positive class in j. F1 and FRR are undefined
 * without a clip of that class, FPR without any other clip: null there, not 0 (a 0 FRR would
 * say "no false rejections" and make an frr constraint feasible where the split cannot tell). */
void nn_metrics_wake_json(json_t *j, const nn_metrics *mt, int positive);

/* Operating point on positive-class scores: the lowest threshold whose false-positive rate
 * (score >= threshold counts as positive; a NaN score never does) is at most max_fpr, and its F1,
 * FPR and FRR. */
typedef struct nn_operating_point { double threshold, f1, fpr, frr; } nn_operating_point;
int nn_operating_point_at_fpr(const float *scores, const int *is_positive, size_t n, double max_fpr,
                              nn_operating_point *out, ws_err *e);
/* The operating point as JSON, {"max_fpr","threshold","f1","fpr","frr"}: what train-trial's
 * validations (metrics.at_fpr) and --evaluate (at_fpr) print. The threshold is null when no
 * score keeps the false positives under the limit; F1 and FRR are null without a positive clip,
 * FPR without a negative one; with no clip at all, every value but max_fpr. JSON null on failure
 * (e says why). */
json_t *nn_operating_point_json(const float *scores, const int *is_positive, size_t n, double max_fpr, ws_err *e);
/* The wake word's score of each of n clips: its softmax probability, logits turned into
 * probabilities in place ([n][k]). */
void nn_positive_scores(float *logits, int n, int k, int positive, float *scores);

/* ---- checkpoints ---------------------------------------------------------------------------------- */

/* Writes, atomically: "WSNNCKPT", a little-endian u32 version (2), u32 header length, u64
 * FNV-1a of the header (version 1 files, read too, lack it), the JSON header
 * {"format":"wakesweep-nn","version":2,"trial":{caller's},"model":{config},"n_classes","input":
 * [1,frames,features],"classes":[names],"features":{caller's},"metrics":{caller's},"params":N,
 * "buffers":M,"tensors":[{"name","shape","buffer"}...],"checksum":"fnv1a64 hex"}, then N + M
 * float32 (parameters, then buffers, torch's order). class_names has n_classes entries or is
 * NULL; trial (who made it: the trainer's study, number and params), features and metrics may
 * be NULL (null in the header). */
int nn_checkpoint_save(const char *path, const nn_model *m, const char *const *class_names,
                       const json_t *trial, const json_t *features, const json_t *metrics, ws_err *e);
/* Host memory nn_checkpoint_save takes beside the model for n_floats parameters and buffers
 * (nn_model_need's params_bytes / 4): the file written, in the page cache (charged to the
 * process's memory cgroup) until written back, and the part of the weights it converts at a time
 * (NN_CHECKPOINT_CHUNK_BYTES); the header, a few KiB, aside. */
#define NN_CHECKPOINT_CHUNK_BYTES ((size_t)1 << 20)
size_t nn_checkpoint_save_bytes(size_t n_floats);
/* Rebuilds the model from a checkpoint; *header (when not NULL) receives the parsed header
 * (caller json_decref's). WS_EINPUT for a file that is not a valid checkpoint. */
nn_model *nn_checkpoint_load(const char *path, json_t **header, ws_err *e);
/* The parsed header alone (caller json_decref's), checked as nn_checkpoint_load checks it; the
 * weights are not read. NULL with e set (WS_EINPUT) for a file that is not a valid checkpoint. */
json_t *nn_checkpoint_header(const char *path, ws_err *e);
/* nn_checkpoint_header of a checkpoint the caller opened (fd, a regular file of len bytes; read
 * with pread, so its offset is not moved; not closed), path naming it in e: what a caller that
 * decides on the file it read, and not on what its path names later, reads. */
json_t *nn_checkpoint_header_fd(int fd, size_t len, const char *path, ws_err *e);

#endif
