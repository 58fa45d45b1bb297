namespace Deepen;

/// <summary>
/// A two-dimensional size (rows, cols) for kernels, pools and strides. Converts implicitly from an int
/// (the same value for both) and from a <c>(rows, cols)</c> tuple, as Keras accepts both.
/// </summary>
/// <example><code>new Conv2D(32, 3); new Conv2D(32, (3, 5)); new MaxPooling2D(2, 2);</code></example>
public sealed record Size2(int Rows, int Cols)
{
    /// <summary>A square size: <paramref name="size"/> rows and <paramref name="size"/> cols, as Keras reads <c>kernel_size=3</c>.</summary>
    public static implicit operator Size2(int size) => new(size, size);
    /// <summary>A size from a <c>(rows, cols)</c> tuple, as Keras reads <c>kernel_size=(3, 5)</c>.</summary>
    public static implicit operator Size2((int Rows, int Cols) t) => new(t.Rows, t.Cols);

    internal long[] ToLongs() => new long[] { Rows, Cols };

    internal Size2 Validate(string argument)
    {
        if (Rows <= 0 || Cols <= 0)
            throw new ArgumentException(
                $"Invalid value received for argument `{argument}`. Expected positive integers. Received: {argument}=({Rows}, {Cols})", argument);
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => $"({Rows}, {Cols})";
}
