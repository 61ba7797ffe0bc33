/* built-in/op_graph/inc/ops_proto_math.h (CANN 2025+ layout): forwards. */
#include "../../inc/ops_proto_math.h"
