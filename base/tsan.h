/*
 * base/tsan.h - ThreadSanitizer annotations, compiled to nothing unless the
 * build is instrumented (gcc: __SANITIZE_THREAD__, clang: the feature test).
 */
#ifndef WEIR_BASE_TSAN_H
#define WEIR_BASE_TSAN_H

#if defined(__SANITIZE_THREAD__)
#define WEIR_HAVE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WEIR_HAVE_TSAN 1
#endif
#endif

#ifdef WEIR_HAVE_TSAN
#include <sanitizer/tsan_interface.h>
#define weir_tsan_release(addr) __tsan_release((void *)(addr))
#define weir_tsan_acquire(addr) __tsan_acquire((void *)(addr))
#else
#define weir_tsan_release(addr) ((void)(addr))
#define weir_tsan_acquire(addr) ((void)(addr))
#endif

#endif
