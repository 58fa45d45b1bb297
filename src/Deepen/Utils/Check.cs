namespace Deepen.Utils;

/// <summary>Argument checks that produce Keras-style messages naming the argument, the value and what was expected.</summary>
internal static class Check
{
    public static ArgumentException Invalid(string argument, object? received, string expected) =>
        new($"Invalid value received for argument `{argument}`. Expected {expected}. Received: {argument}={Format(received)}", argument);

    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };

    public static int Positive(int value, string argument) =>
        value > 0 ? value : throw Invalid(argument, value, "a positive integer");

    public static double Positive(double value, string argument) =>
        value > 0 && double.IsFinite(value) ? value : throw Invalid(argument, value, "a positive finite number");

    public static double NonNegative(double value, string argument) =>
        value >= 0 && double.IsFinite(value) ? value : throw Invalid(argument, value, "a non-negative finite number");

    public static double Fraction(double value, string argument, bool allowOne = false) =>
        value >= 0 && (allowOne ? value <= 1 : value < 1) ? value
            : throw Invalid(argument, value, allowOne ? "a float between 0 and 1" : "a float in [0, 1)");

    public static string OneOf(string value, string argument, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(value, argument);
        string v = value.ToLowerInvariant();
        return allowed.Contains(v) ? v
            : throw Invalid(argument, value, "one of " + string.Join(", ", allowed.Select(a => $"\"{a}\"")));
    }
}
