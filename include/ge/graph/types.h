/*
 * ge/graph/types.h - ge::DataType and ge::Format (values as in metadef's
 * C_DataType / C_Format), graphStatus. Header-only.
 */
#ifndef WEIR_GE_GRAPH_TYPES_H
#define WEIR_GE_GRAPH_TYPES_H

#include <cstdint>

namespace ge
{

using graphStatus = uint32_t;
constexpr graphStatus GRAPH_SUCCESS = 0;
constexpr graphStatus GRAPH_FAILED = 0xFFFFFFFF;

enum DataType {
	DT_FLOAT = 0,
	DT_FLOAT16 = 1,
	DT_INT8 = 2,
	DT_INT32 = 3,
	DT_UINT8 = 4,
	DT_INT16 = 6,
	DT_UINT16 = 7,
	DT_UINT32 = 8,
	DT_INT64 = 9,
	DT_UINT64 = 10,
	DT_DOUBLE = 11,
	DT_BOOL = 12,
	DT_STRING = 13,
	DT_DUAL_SUB_INT8 = 14,
	DT_DUAL_SUB_UINT8 = 15,
	DT_COMPLEX64 = 16,
	DT_COMPLEX128 = 17,
	DT_QINT8 = 18,
	DT_QINT16 = 19,
	DT_QINT32 = 20,
	DT_QUINT8 = 21,
	DT_QUINT16 = 22,
	DT_RESOURCE = 23,
	DT_STRING_REF = 24,
	DT_DUAL = 25,
	DT_VARIANT = 26,
	DT_BF16 = 27,
	DT_UNDEFINED = 28,
	DT_MAX
};

enum Format {
	FORMAT_NCHW = 0,
	FORMAT_NHWC = 1,
	FORMAT_ND = 2,
	FORMAT_NC1HWC0 = 3,
	FORMAT_FRACTAL_Z = 4,
	FORMAT_FRACTAL_NZ = 29,
	FORMAT_NCDHW = 30,
	FORMAT_NC = 35,
	FORMAT_RESERVED = 40,
	FORMAT_ALL = 41,
	FORMAT_NULL = 42,
	FORMAT_NCL = 47
};

} // namespace ge

#endif
