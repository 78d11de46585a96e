/*
 * lib/log.h: leveled logging. A file defines LOG_PREFIX (e.g. "vma: ")
 * before including this header. log_emit() is provided by each environment
 * (kernel console, host stderr, userland console). A log line never replaces
 * an error return; hot paths use trace events instead.
 */
#ifndef PAGODA_LIB_LOG_H
#define PAGODA_LIB_LOG_H

#include <pagoda/compiler.h>

#ifndef LOG_PREFIX
#define LOG_PREFIX ""
#endif

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

__printf(3, 4) void log_emit(enum log_level level, const char *prefix, const char *fmt, ...);

#define log_err(...) log_emit(LOG_ERR, LOG_PREFIX, __VA_ARGS__)
#define log_warn(...) log_emit(LOG_WARN, LOG_PREFIX, __VA_ARGS__)
#define log_info(...) log_emit(LOG_INFO, LOG_PREFIX, __VA_ARGS__)
#define log_debug(...) log_emit(LOG_DEBUG, LOG_PREFIX, __VA_ARGS__)

#endif
