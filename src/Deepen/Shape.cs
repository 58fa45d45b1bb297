using System.Collections;

namespace Deepen;

/// <summary>
/// A Keras shape without the batch dimension, e.g. <c>(150, 150, 3)</c> for colour images (height, width, channels).
/// Converts implicitly from an int and from tuples, so <c>inputShape: (28, 28, 1)</c> reads as in Keras.
/// </summary>
/// <example><code>Shape s = (28, 28, 1); Console.WriteLine(s); // (28, 28, 1)</code></example>
public sealed class Shape : IReadOnlyList<int>, IEquatable<Shape>
{
    readonly int[] _dims;

    /// <summary>Creates a shape from its dimensions (batch dimension excluded).</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        for (int i = 0; i < dims.Length; i++)
            if (dims[i] <= 0)
                throw new ArgumentException(
                    $"Invalid value received for argument `shape`. Expected positive dimensions. Received: shape=({string.Join(", ", dims)})", nameof(dims));
        _dims = (int[])dims.Clone();
    }

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims.Length;
    /// <summary>The number of dimensions (same as <see cref="Rank"/>).</summary>
    public int Count => _dims.Length;
    /// <summary>Dimension <paramref name="index"/>; negative indices count from the end.</summary>
    public int this[int index] => _dims[index < 0 ? _dims.Length + index : index];
    /// <summary>The product of all dimensions.</summary>
    public long Elements => _dims.Aggregate(1L, (a, b) => a * b);

    /// <summary>The dimensions as an array (a copy).</summary>
    public int[] ToArray() => (int[])_dims.Clone();
    /// <summary>The dimensions with a leading batch dimension, as TorchSharp wants them.</summary>
    public long[] WithBatch(long batch) => new[] { batch }.Concat(_dims.Select(d => (long)d)).ToArray();

    /// <summary>A rank-1 shape, e.g. <c>inputShape: 784</c> for <c>(784,)</c>.</summary>
    public static implicit operator Shape(int d) => new(d);
    /// <summary>A rank-2 shape from a tuple, e.g. <c>(28, 28)</c>.</summary>
    public static implicit operator Shape((int, int) t) => new(t.Item1, t.Item2);
    /// <summary>A rank-3 shape from a tuple, e.g. <c>(28, 28, 1)</c> (height, width, channels).</summary>
    public static implicit operator Shape((int, int, int) t) => new(t.Item1, t.Item2, t.Item3);
    /// <summary>A rank-4 shape from a tuple.</summary>
    public static implicit operator Shape((int, int, int, int) t) => new(t.Item1, t.Item2, t.Item3, t.Item4);
    /// <summary>A shape with the given dimensions (the array is copied).</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>Keras's notation with the batch dimension, e.g. <c>(None, 26, 26, 32)</c>.</summary>
    public string ToBatchString() => _dims.Length == 0 ? "(None,)" : $"(None, {string.Join(", ", _dims)})";
    /// <inheritdoc/>
    public override string ToString() => _dims.Length == 1 ? $"({_dims[0]},)" : $"({string.Join(", ", _dims)})";

    /// <summary>True when <paramref name="other"/> has the same dimensions in the same order.</summary>
    public bool Equals(Shape? other) => other is not null && _dims.SequenceEqual(other._dims);
    /// <summary>True when <paramref name="obj"/> is a <see cref="Shape"/> with the same dimensions in the same order.</summary>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    /// <summary>A hash of the dimensions, consistent with <see cref="Equals(Shape?)"/>.</summary>
    public override int GetHashCode() => _dims.Aggregate(17, (h, d) => h * 31 + d);
    /// <summary>Enumerates the dimensions from first to last.</summary>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _dims.GetEnumerator();
}
