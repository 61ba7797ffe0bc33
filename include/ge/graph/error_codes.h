/*
 * ge/graph/error_codes.h - newer metadef name of graph/ge_error_codes.h.
 */
#ifndef WEIR_GE_GRAPH_ERROR_CODES_H
#define WEIR_GE_GRAPH_ERROR_CODES_H
#include "graph/ge_error_codes.h"
#endif
