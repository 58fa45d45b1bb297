using static TorchSharp.torch;

namespace Deepen.Onnx;

/// <summary>ONNX's TensorProto.DataType codes and LibTorch's scalar types.</summary>
internal static class OnnxTypes
{
    public const int Float = 1, Uint8 = 2, Int8 = 3, Int32 = 6, Int64 = 7, Bool = 9, Double = 11;

    public static ScalarType ToScalarType(int onnxType) => onnxType switch
    {
        Float => ScalarType.Float32,
        Double => ScalarType.Float64,
        Int64 => ScalarType.Int64,
        Int32 => ScalarType.Int32,
        Int8 => ScalarType.Int8,
        Uint8 => ScalarType.Byte,
        Bool => ScalarType.Bool,
        10 => ScalarType.Float16,
        16 => ScalarType.BFloat16,
        _ => throw new NotSupportedException($"ONNX element type {onnxType} is not supported (float, double, float16, bfloat16, int64, int32, int8, uint8, bool)."),
    };

    public static int FromScalarType(ScalarType t) => t switch
    {
        ScalarType.Float32 => Float,
        ScalarType.Float64 => Double,
        ScalarType.Int64 => Int64,
        ScalarType.Int32 => Int32,
        ScalarType.Int8 => Int8,
        ScalarType.Byte => Uint8,
        ScalarType.Bool => Bool,
        _ => throw new NotSupportedException($"Tensor type {t} has no ONNX export here."),
    };
}
