using System.Globalization;

namespace Deepen.Layers;

/// <summary>
/// A cap on the parameters layers may allocate on this thread, checked in <c>AddWeight</c> before any memory is
/// taken, so an architecture read from a file (<c>Dense(units=1e6)</c> in a 3 KB config) fails with a clear message
/// instead of exhausting memory. <see cref="Saving.ModelFile"/> caps a loaded architecture at the values its weights
/// file holds; the <c>deepen</c> command caps spec-built models at <see cref="MaxParameters"/>.
/// </summary>
/// <example><code>using (ParameterBudget.Limit(ParameterBudget.MaxParameters, "--model spec.json"))
///     model = Sequential.FromConfig(config);</code></example>
public static class ParameterBudget
{
    /// <summary>The default cap for models built from a user's spec (100 million, 400 MB of float32 weights).</summary>
    public static long MaxParameters { get; set; } = 100_000_000;

    [ThreadStatic] static Scope? _current;

    /// <summary>Caps the parameters allocated on this thread at <paramref name="parameters"/> until the result is disposed.</summary>
    /// <param name="parameters">The most values all weights together may hold.</param>
    /// <param name="source">What the cap comes from, for the error message (e.g. "model.safetensors holds 1,234 values").</param>
    public static IDisposable Limit(long parameters, string source)
    {
        if (parameters < 0) throw Utils.Check.Invalid(nameof(parameters), parameters, "a count of 0 or more");
        var scope = new Scope(parameters, source, _current);
        _current = scope;
        return scope;
    }

    /// <summary>Takes the values of a weight of <paramref name="shape"/> from the current cap (if any); throws before the allocation when they do not fit.</summary>
    internal static void Claim(string layer, string weight, long[] shape)
    {
        long? count = Saving.ModelFileLimits.ElementCount(shape);
        string dims = string.Join(", ", shape);
        if (count is null)
            throw new ParameterLimitException($"Layer \"{layer}\" asks for weight \"{weight}\" of shape [{dims}], whose size overflows or is negative.");
        if (_current is not { } scope) return;
        if (count > scope.Remaining)
            throw new ParameterLimitException(string.Create(CultureInfo.InvariantCulture,
                $"Layer \"{layer}\" asks for weight \"{weight}\" of shape [{dims}] ({count:N0} values) after {scope.Used:N0} already allocated, more than the limit of {scope.Total:N0} parameters ({scope.Source}). Nothing was allocated for it."));
        scope.Used += count.Value;
    }

    sealed class Scope(long total, string source, Scope? outer) : IDisposable
    {
        public long Total { get; } = total;
        public string Source { get; } = source;
        public long Used { get; set; }
        public long Remaining => Total - Used;

        public void Dispose()
        {
            if (_current == this) _current = outer;
        }
    }
}
