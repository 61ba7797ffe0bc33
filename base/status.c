/*
 * base/status.c - weir_strerror() and weir_status_name() from WEIR_STATUS_MAP.
 */
#include "weir/status.h"

WEIR_API const char *weir_strerror(int status)
{
	switch (status) {
#define WEIR__STATUS_MSG(name, val, msg) \
	case (val): return (msg);
		WEIR_STATUS_MAP(WEIR__STATUS_MSG)
#undef WEIR__STATUS_MSG
	default: return "unknown status";
	}
}

WEIR_API const char *weir_status_name(int status)
{
	switch (status) {
#define WEIR__STATUS_NAME(name, val, msg) \
	case (val): return #name;
		WEIR_STATUS_MAP(WEIR__STATUS_NAME)
#undef WEIR__STATUS_NAME
	default: return "UNKNOWN";
	}
}
