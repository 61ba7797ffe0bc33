/*
 * acl/acl_base_rt.h - ACL's runtime half of acl_base.h. weir keeps the base
 * types, codes and calls in one header, acl/acl_base.h; this file exists so
 * programs that include the split name compile unchanged.
 */
#ifndef WEIR_ACL_BASE_RT_H
#define WEIR_ACL_BASE_RT_H

#include "acl_base.h"

#endif /* WEIR_ACL_BASE_RT_H */
