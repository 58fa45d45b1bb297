namespace Deepen.Layers;

/// <summary>
/// Thrown before a weight is allocated when it would take a model past its <see cref="ParameterBudget"/>, or when a
/// weight's shape overflows. It derives from <see cref="InvalidOperationException"/>.
/// </summary>
/// <example><code>try { model = new Sequential(layers); }
/// catch (ParameterLimitException e) { Console.WriteLine(e.Message); }</code></example>
public sealed class ParameterLimitException(string message) : InvalidOperationException(message);
