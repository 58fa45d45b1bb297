namespace Deepen.Utils;

/// <summary>Reads Keras's string options ("horizontal_and_vertical", "rgb") into Deepen's enums.</summary>
internal static class EnumText
{
    /// <summary>Parses <paramref name="value"/> (case and underscores ignored) or throws naming the argument.</summary>
    public static T Parse<T>(string? value, string argument) where T : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(value, argument);
        string key = value.Replace("_", "").Replace("-", "").Trim();
        foreach (var name in Enum.GetNames<T>())
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase)) return Enum.Parse<T>(name);
        throw Check.Invalid(argument, value, "one of " + string.Join(", ", Enum.GetNames<T>().Select(n => $"\"{ToKeras(n)}\"")));
    }

    /// <summary>Keras's spelling of an enum value: HorizontalAndVertical → "horizontal_and_vertical".</summary>
    public static string ToKeras<T>(T value) where T : struct, Enum => ToKeras(value.ToString());

    static string ToKeras(string name) => Layers.Layer.ToSnakeCase(name);
}
