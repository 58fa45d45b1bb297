using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Data;

/// <summary>
/// Turns plain .NET arrays into tensors: rectangular arrays of any rank (float[,,,] images, float[,] tables),
/// jagged float[][] rows, and 1-D label arrays. Floating data becomes float32; integer data int64.
/// </summary>
/// <example><code>Tensor x = ArrayConverter.ToTensor(new float[,] { { 0, 1 }, { 1, 0 } }, "x");</code></example>
public static class ArrayConverter
{
    /// <summary>Converts <paramref name="array"/>; <paramref name="argument"/> names it in errors.</summary>
    public static Tensor ToTensor(Array array, string argument)
    {
        ArgumentNullException.ThrowIfNull(array, argument);
        if (array.Length == 0) throw Check.Invalid(argument, "an empty array", "at least one sample");
        var elementType = array.GetType().GetElementType()!;
        if (elementType.IsArray) return FromJagged(array, argument);
        long[] shape = Enumerable.Range(0, array.Rank).Select(d => (long)array.GetLength(d)).ToArray();
        return elementType switch
        {
            _ when elementType == typeof(float) => tensor(Flat<float>(array), shape),
            _ when elementType == typeof(double) => tensor(Flat<double>(array), shape).to(ScalarType.Float32),
            _ when elementType == typeof(byte) => tensor(Flat<byte>(array), shape).to(ScalarType.Float32),
            _ when elementType == typeof(int) => tensor(Flat<int>(array), shape).to(ScalarType.Int64),
            _ when elementType == typeof(long) => tensor(Flat<long>(array), shape),
            _ when elementType == typeof(bool) => tensor(Flat<bool>(array), shape).to(ScalarType.Float32),
            _ => throw Check.Invalid(argument, array.GetType().Name, "an array of float, double, byte, int, long or bool"),
        };
    }

    static T[] Flat<T>(Array array) where T : unmanaged
    {
        if (array is T[] flat) return flat;
        var span = MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);
        return span.ToArray();
    }

    static Tensor FromJagged(Array rows, string argument)
    {
        var list = rows.Cast<Array?>().ToList();
        int width = list[0]?.Length ?? 0;
        for (int i = 0; i < list.Count; i++)
            if (list[i] is null || list[i]!.Length != width || list[i]!.Rank != 1)
                throw new ArgumentException($"Invalid value received for argument `{argument}`: row {i} has {list[i]?.Length.ToString() ?? "null"} values, expected {width} like row 0 (a jagged array must be rectangular).", argument);
        using var parts = new DisposableList(list.Select(r => ToTensor(r!, argument)));
        return stack(parts.Items);
    }

    sealed class DisposableList : IDisposable
    {
        public DisposableList(IEnumerable<Tensor> items) => Items = items.ToArray();
        public Tensor[] Items { get; }
        public void Dispose() { foreach (var t in Items) t.Dispose(); }
    }
}
