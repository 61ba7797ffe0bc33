/*
 * ge/ge_api_error_codes.h - GE's Status values (ge/ge_error_codes.h:
 * SUCCESS, FAILED, END_OF_SEQUENCE, ...) with the option types of
 * ge/ge_api_types.h, as GE's header of this name provides them.
 */
#ifndef WEIR_GE_API_ERROR_CODES_H
#define WEIR_GE_API_ERROR_CODES_H
#include "ge_error_codes.h"
#include "ge_api_types.h"
#include "graph/ascend_string.h"
#endif
