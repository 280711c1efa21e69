/* finite.h — where the first NaN or infinity of a float array is: decoded samples and computed
 * features are checked whole, for every clip, so the check must cost little next to the FFT. */
#ifndef WS_AUDIO_FINITE_H
#define WS_AUDIO_FINITE_H
#include <stddef.h>

/* The index of x's first element that is NaN or infinite; n when there is none. */
size_t audio_first_nonfinite(const float *x, size_t n);

#endif
