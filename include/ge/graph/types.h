/*
 * ge/graph/types.h - ge::DataType and ge::Format (values as in metadef's
 * C_DataType / C_Format), GetSizeByDataType, Placement, the char_t /
 * float32_t / float64_t names, and the dtype-set types REG_OP headers use
 * (TensorType, ListTensorType, Promote). Header-only.
 */
#ifndef WEIR_GE_GRAPH_TYPES_H
#define WEIR_GE_GRAPH_TYPES_H

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>
#include "graph/ge_error_codes.h"

namespace ge
{

using char_t = char;
using float32_t = float;
using float64_t = double;
using vector_bit_t = std::vector<bool>;

static const int64_t SHAPE_RANGE_LOWER_LIMIT = 0;
static const int64_t UNKNOWN_DIM = -1;
static const int64_t UNKNOWN_DIM_NUM = -2;
static const std::vector<int64_t> UNKNOWN_SHAPE = { -1 };
static const std::vector<int64_t> UNKNOWN_RANK = { -2 };
static const std::vector<int64_t> DUMMY_SHAPE = { -3 };
/* A GetSizeByDataType() result above this is a size in bits plus it. */
static constexpr int32_t kDataTypeSizeBitOffset = 1000;

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
	DT_INT4 = 29,
	DT_UINT1 = 30,
	DT_INT2 = 31,
	DT_UINT2 = 32,
	DT_COMPLEX32 = 33,
	DT_HIFLOAT8 = 34,
	DT_FLOAT8_E5M2 = 35,
	DT_FLOAT8_E4M3FN = 36,
	DT_FLOAT8_E8M0 = 37,
	DT_FLOAT6_E3M2 = 38,
	DT_FLOAT6_E2M3 = 39,
	DT_FLOAT4_E2M1 = 40,
	DT_FLOAT4_E1M2 = 41,
	DT_HIFLOAT4 = 42,
	DT_MAX
};

/* Element size in bytes; kDataTypeSizeBitOffset + bits for sub-byte types;
 * -1 for DT_STRING, DT_STRING_REF, DT_UNDEFINED, the unused value 5 and
 * anything out of range (GE's table). */
inline int GetSizeByDataType(DataType data_type)
{
	static const int kSize[DT_MAX] = {
		4,
		2,
		1,
		4,
		1,
		-1,
		2,
		2,
		4,
		8, /* 0..9 */
		8,
		8,
		1,
		-1,
		1,
		1,
		8,
		16,
		1,
		2, /* 10..19 */
		4,
		1,
		2,
		8,
		-1,
		5,
		8,
		2,
		-1,                         /* 20..28 */
		kDataTypeSizeBitOffset + 4, /* INT4 */
		kDataTypeSizeBitOffset + 1, /* UINT1 */
		kDataTypeSizeBitOffset + 2, /* INT2 */
		kDataTypeSizeBitOffset + 2, /* UINT2 */
		4,
		1,
		1,
		1,
		1, /* COMPLEX32, HIFLOAT8, FLOAT8 x3 */
		kDataTypeSizeBitOffset + 6,
		kDataTypeSizeBitOffset + 6, /* FLOAT6 */
		kDataTypeSizeBitOffset + 4,
		kDataTypeSizeBitOffset + 4, /* FLOAT4 */
		kDataTypeSizeBitOffset + 4, /* HIFLOAT4 */
	};
	if (static_cast<int>(data_type) < 0 || data_type >= DT_MAX)
		return -1;
	return kSize[data_type];
}

/* Bytes taken by element_count elements (sub-byte types rounded up); -1 for
 * a negative count or a type without a size. */
inline int64_t GetSizeInBytes(int64_t element_count, DataType data_type)
{
	const int sz = GetSizeByDataType(data_type);
	if (element_count < 0 || sz < 0)
		return -1;
	if (sz > kDataTypeSizeBitOffset)
		return (element_count * (sz - kDataTypeSizeBitOffset) + 7) / 8;
	return element_count * sz;
}

/* name, value: one list for the enum and GetFormatName(). */
#define WEIR_GE_FORMAT_LIST(X)                 \
	X(NCHW, 0)                             \
	X(NHWC, 1)                             \
	X(ND, 2)                               \
	X(NC1HWC0, 3)                          \
	X(FRACTAL_Z, 4)                        \
	X(NC1C0HWPAD, 5)                       \
	X(NHWC1C0, 6)                          \
	X(FSR_NCHW, 7)                         \
	X(FRACTAL_DECONV, 8)                   \
	X(C1HWNC0, 9)                          \
	X(FRACTAL_DECONV_TRANSPOSE, 10)        \
	X(FRACTAL_DECONV_SP_STRIDE_TRANS, 11)  \
	X(NC1HWC0_C04, 12)                     \
	X(FRACTAL_Z_C04, 13)                   \
	X(CHWN, 14)                            \
	X(FRACTAL_DECONV_SP_STRIDE8_TRANS, 15) \
	X(HWCN, 16)                            \
	X(NC1KHKWHWC0, 17)                     \
	X(BN_WEIGHT, 18)                       \
	X(FILTER_HWCK, 19)                     \
	X(HASHTABLE_LOOKUP_LOOKUPS, 20)        \
	X(HASHTABLE_LOOKUP_KEYS, 21)           \
	X(HASHTABLE_LOOKUP_VALUE, 22)          \
	X(HASHTABLE_LOOKUP_OUTPUT, 23)         \
	X(HASHTABLE_LOOKUP_HITS, 24)           \
	X(C1HWNCoC0, 25)                       \
	X(MD, 26)                              \
	X(NDHWC, 27)                           \
	X(FRACTAL_ZZ, 28)                      \
	X(FRACTAL_NZ, 29)                      \
	X(NCDHW, 30)                           \
	X(DHWCN, 31)                           \
	X(NDC1HWC0, 32)                        \
	X(FRACTAL_Z_3D, 33)                    \
	X(CN, 34)                              \
	X(NC, 35)                              \
	X(DHWNC, 36)                           \
	X(FRACTAL_Z_3D_TRANSPOSE, 37)          \
	X(FRACTAL_ZN_LSTM, 38)                 \
	X(FRACTAL_Z_G, 39)                     \
	X(RESERVED, 40)                        \
	X(ALL, 41)                             \
	X(NULL, 42)                            \
	X(ND_RNN_BIAS, 43)                     \
	X(FRACTAL_ZN_RNN, 44)                  \
	X(NYUV, 45)                            \
	X(NYUV_A, 46)                          \
	X(NCL, 47)                             \
	X(FRACTAL_Z_WINO, 48)                  \
	X(C1HWC0, 49)                          \
	X(FRACTAL_NZ_C0_16, 50)                \
	X(FRACTAL_NZ_C0_32, 51)                \
	X(FRACTAL_NZ_C0_2, 52)                 \
	X(FRACTAL_NZ_C0_4, 53)                 \
	X(FRACTAL_NZ_C0_8, 54)                 \
	X(END, 55)

enum Format {
#define WEIR_GE_FORMAT_ENUM(n, v) FORMAT_##n = v,
	WEIR_GE_FORMAT_LIST(WEIR_GE_FORMAT_ENUM)
#undef WEIR_GE_FORMAT_ENUM
	        FORMAT_MAX = 0xff
};

/* "NCHW", "FRACTAL_NZ", ... for a Format (its primary part); "UNDEFINED"
 * for a value outside the list. */
inline const char_t *GetFormatName(Format format)
{
	switch (static_cast<int32_t>(static_cast<uint32_t>(format) & 0xffU)) {
#define WEIR_GE_FORMAT_NAME(n, v) \
	case v: return #n;
		WEIR_GE_FORMAT_LIST(WEIR_GE_FORMAT_NAME)
#undef WEIR_GE_FORMAT_NAME
	default: return "UNDEFINED";
	}
}

/* Sub-format / C0 packing of a Format value (GE's bit layout: byte 0 the
 * primary format, bytes 1-2 the sub-format, bits 24-27 the C0 format). */
inline int32_t GetFormatFromSub(int32_t primary_format, int32_t sub_format)
{
	return static_cast<int32_t>((static_cast<uint32_t>(primary_format) & 0xffU) |
	                            ((static_cast<uint32_t>(sub_format) & 0xffffU) << 8));
}
inline int32_t GetPrimaryFormat(int32_t format)
{
	return static_cast<int32_t>(static_cast<uint32_t>(format) & 0xffU);
}
inline int32_t GetSubFormat(int32_t format)
{
	return static_cast<int32_t>((static_cast<uint32_t>(format) & 0xffff00U) >> 8);
}
inline bool HasSubFormat(int32_t format)
{
	return GetSubFormat(format) > 0;
}
inline int32_t GetC0Format(int32_t format)
{
	return static_cast<int32_t>((static_cast<uint32_t>(format) & 0xf000000U) >> 24);
}
inline bool HasC0Format(int32_t format)
{
	return GetC0Format(format) > 0;
}

enum UnknowShapeOpType {
	DEPEND_IN_SHAPE = 1,
	DEPEND_CONST_VALUE = 2,
	DEPEND_SHAPE_RANGE = 3,
	DEPEND_COMPUTE = 4
};

struct TensorDescInfo {
	Format format_ = FORMAT_RESERVED;
	DataType dataType_ = DT_UNDEFINED;
};

enum DeviceType {
	NPU = 0,
	CPU = 1,
};

/* Where a tensor's data lives. weir's ge::Tensor data is host memory. */
enum Placement {
	kPlacementHost = 0,
	kPlacementDevice = 1,
	kPlacementEnd,
};

/* The dtype list behind a TensorType (REG_OP registration data). */
class TensorTypeImpl
{
      public:
	std::vector<DataType> dt_vec;
};

/* A set of dtypes, as REG_OP's DATATYPE(sym, TensorType{...}) names them.
 * The static sets are GE's. */
struct TensorType {
	explicit TensorType(DataType dt) : tensor_type_impl_(std::make_shared<TensorTypeImpl>())
	{
		tensor_type_impl_->dt_vec.push_back(dt);
	}
	TensorType(const std::initializer_list<DataType> &initial_types)
	    : tensor_type_impl_(std::make_shared<TensorTypeImpl>())
	{
		tensor_type_impl_->dt_vec.assign(initial_types.begin(), initial_types.end());
	}

	static TensorType ALL()
	{
		return TensorType{ DT_BOOL,     DT_COMPLEX128, DT_COMPLEX64, DT_DOUBLE,  DT_FLOAT,
			           DT_FLOAT16,  DT_INT16,      DT_INT32,     DT_INT64,   DT_INT8,
			           DT_QINT16,   DT_QINT32,     DT_QINT8,     DT_QUINT16, DT_QUINT8,
			           DT_RESOURCE, DT_STRING,     DT_UINT16,    DT_UINT32,  DT_UINT64,
			           DT_UINT8,    DT_BF16,       DT_COMPLEX32 };
	}
	static TensorType QuantifiedType()
	{
		return TensorType{ DT_QINT16, DT_QINT32, DT_QINT8, DT_QUINT16, DT_QUINT8 };
	}
	static TensorType OrdinaryType()
	{
		return TensorType{ DT_BOOL,   DT_COMPLEX128, DT_COMPLEX64, DT_DOUBLE,
			           DT_FLOAT,  DT_FLOAT16,    DT_INT16,     DT_INT32,
			           DT_INT64,  DT_INT8,       DT_UINT16,    DT_UINT32,
			           DT_UINT64, DT_UINT8,      DT_BF16,      DT_COMPLEX32 };
	}
	static TensorType BasicType()
	{
		return TensorType{
			DT_COMPLEX128, DT_COMPLEX64, DT_DOUBLE,  DT_FLOAT,  DT_FLOAT16,
			DT_INT16,      DT_INT32,     DT_INT64,   DT_INT8,   DT_QINT16,
			DT_QINT32,     DT_QINT8,     DT_QUINT16, DT_QUINT8, DT_UINT16,
			DT_UINT32,     DT_UINT64,    DT_UINT8,   DT_BF16,   DT_COMPLEX32
		};
	}
	static TensorType NumberType()
	{
		return TensorType{ DT_COMPLEX128, DT_COMPLEX64, DT_DOUBLE,   DT_FLOAT,  DT_FLOAT16,
			           DT_INT16,      DT_INT32,     DT_INT64,    DT_INT8,   DT_QINT32,
			           DT_QINT8,      DT_QUINT8,    DT_UINT16,   DT_UINT32, DT_UINT64,
			           DT_UINT8,      DT_BF16,      DT_COMPLEX32 };
	}
	static TensorType RealNumberType()
	{
		return TensorType{ DT_DOUBLE, DT_FLOAT,  DT_FLOAT16, DT_INT16,  DT_INT32, DT_INT64,
			           DT_INT8,   DT_UINT16, DT_UINT32,  DT_UINT64, DT_UINT8, DT_BF16 };
	}
	static TensorType ComplexDataType()
	{
		return TensorType{ DT_COMPLEX128, DT_COMPLEX64, DT_COMPLEX32 };
	}
	static TensorType IntegerDataType()
	{
		return TensorType{ DT_INT16,  DT_INT32,  DT_INT64,  DT_INT8,
			           DT_UINT16, DT_UINT32, DT_UINT64, DT_UINT8 };
	}
	static TensorType SignedDataType()
	{
		return TensorType{ DT_INT16, DT_INT32, DT_INT64, DT_INT8 };
	}
	static TensorType UnsignedDataType()
	{
		return TensorType{ DT_UINT16, DT_UINT32, DT_UINT64, DT_UINT8 };
	}
	static TensorType FloatingDataType()
	{
		return TensorType{ DT_DOUBLE, DT_FLOAT, DT_FLOAT16 };
	}
	static TensorType IndexNumberType() { return TensorType{ DT_INT32, DT_INT64 }; }
	static TensorType UnaryDataType()
	{
		return TensorType{ DT_COMPLEX128, DT_COMPLEX64, DT_DOUBLE,   DT_FLOAT,
			           DT_FLOAT16,    DT_BF16,      DT_COMPLEX32 };
	}
	static TensorType FLOAT() { return TensorType{ DT_FLOAT, DT_FLOAT16, DT_BF16 }; }

	std::shared_ptr<TensorTypeImpl> tensor_type_impl_;
};

/* A list of tensors whose dtypes all come from one TensorType. */
struct ListTensorType {
	explicit ListTensorType(const TensorType &type) : tensor_type(type) {}
	TensorType tensor_type;
};

/* DATATYPE(sym, Promote({"T1", "T2"})): sym is the promoted type of the
 * named symbols. Move-only, as in GE. */
class Promote
{
      public:
	Promote(const std::initializer_list<const char *> &syms)
	    : data_(std::make_shared<std::vector<std::string>>())
	{
		for (const char *s : syms)
			data_->emplace_back(s != nullptr ? s : "");
	}
	std::vector<const char *> Syms() const
	{
		std::vector<const char *> out;
		if (data_)
			for (const auto &s : *data_)
				out.push_back(s.c_str());
		return out;
	}
	Promote(const Promote &other) = delete;
	Promote &operator=(const Promote &other) = delete;
	Promote(Promote &&other) noexcept = default;
	Promote &operator=(Promote &&other) noexcept = default;

      private:
	std::shared_ptr<std::vector<std::string>> data_;
};

} // namespace ge

namespace domi
{
enum class ImplyType : unsigned int {
	BUILDIN = 0,
	TVM,
	CUSTOM,
	AI_CPU,
	CCE,
	GELOCAL,
	HCCL,
	INVALID = 0xFFFFFFFF,
};
using char_t = ge::char_t;
using float32_t = ge::float32_t;
using float64_t = ge::float64_t;
} // namespace domi

#endif
