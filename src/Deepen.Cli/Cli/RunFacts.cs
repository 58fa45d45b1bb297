namespace Deepen.Cli;

/// <summary>The settings and timings every run's report shows.</summary>
/// <param name="Settings">The run's settings (folders, model, epochs, optimizer, ...).</param>
/// <param name="Timings">How long training took, in all and per epoch.</param>
public sealed record RunFacts(IReadOnlyDictionary<string, string> Settings, IReadOnlyDictionary<string, string> Timings);
