/* built-in/op_proto/inc/all_ops.h (CANN >= 6.3 layout): forwards. */
#include "../../inc/all_ops.h"
