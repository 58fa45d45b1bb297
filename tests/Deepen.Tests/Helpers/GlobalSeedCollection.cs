namespace Deepen.Tests.Helpers;

/// <summary>
/// Tests that depend on the process-wide random state (<see cref="Backend.SetRandomSeed"/> resets LibTorch's generator
/// and the counter behind <c>Fit</c>'s shuffling) run alone, after the parallel tests, so no other test draws from it
/// in between.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalSeedCollection
{
    public const string Name = "global random seed";
}
