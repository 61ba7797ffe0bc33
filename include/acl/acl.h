/*
 * acl/acl.h - umbrella header of weir's ACL-compatible facade: include this
 * (as "acl/acl.h" or "acl.h") and link with -lweir.
 */
#ifndef WEIR_ACL_H
#define WEIR_ACL_H

#include "acl_rt.h"

#endif /* WEIR_ACL_H */
