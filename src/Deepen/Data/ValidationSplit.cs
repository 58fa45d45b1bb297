using Deepen.Utils;

namespace Deepen.Data;

/// <summary>The checks Keras's *_dataset_from_directory functions make on validation_split, subset, shuffle and seed.</summary>
internal static class ValidationSplit
{
    /// <summary>Validates the arguments and returns the normalized subset ("training", "validation" or null).</summary>
    public static string? CheckSubset(double? validationSplit, string? subset, bool shuffle, int? seed)
    {
        if (validationSplit is double v && !(v > 0 && v < 1)) throw Check.Invalid(nameof(validationSplit), v, "a float between 0 and 1 (exclusive)");
        string? sub = subset is null ? null : Check.OneOf(subset, nameof(subset), "training", "validation");
        if (sub is not null && validationSplit is null)
            throw Check.Invalid(nameof(subset), subset, "null unless validationSplit is set");
        if (validationSplit is not null && sub is null)
            throw Check.Invalid(nameof(subset), subset, "\"training\" or \"validation\" when validationSplit is set");
        if (validationSplit is not null && shuffle && seed is null)
            throw Check.Invalid(nameof(seed), seed, "an integer: with validationSplit and shuffling, a seed makes the two subsets disjoint");
        return sub;
    }
}
