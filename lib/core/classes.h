/* classes.h — the most classes a corpus, a feature cache or a checkpoint may have. A
 * validation's confusion matrix and the metrics' JSON (the result line, the study) hold k x k
 * counts: 50,000 classes were past 5.9 GB, 5,000 a gigabyte and a 50 MB result line. A
 * keyword-spotting classifier has a few dozen classes (Speech Commands: 35); one of more than
 * this is outside the tool, and every place a class count comes in (featurize's corpus, a cache
 * opened, a checkpoint loaded) refuses it as bad input, so that what follows never meets one. */
#ifndef WS_CORE_CLASSES_H
#define WS_CORE_CLASSES_H

#define WS_MAX_CLASSES 1024
/* the end of the messages that refuse more: "FILE: N classes; expected at most 1024 (...)" */
#define WS_MAX_CLASSES_WHY "a keyword-spotting model here has no more"

#endif
