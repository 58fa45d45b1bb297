using Deepen.Layers;
using Deepen.Models;

namespace Deepen.Tests.Layers;

public class ParameterBudgetTests
{
    [Fact]
    public void AWeightPastTheBudgetIsRefusedBeforeItIsAllocated()
    {
        using var budget = ParameterBudget.Limit(1000, "a test budget");
        // Dense(1e6) on 784 inputs would take 3.1 GB; the check comes first.
        var e = Assert.Throws<ParameterLimitException>(() => new Sequential(new Dense(1_000_000, inputShape: 784)));
        Assert.Contains("784,000,000", e.Message);
        Assert.Contains("a test budget", e.Message);
    }

    [Fact]
    public void TheBudgetCountsEveryWeightOfTheModel()
    {
        // Dense(3) on 4 inputs: 12 + 3 = 15 parameters; Dense(2) after it: 6 + 2 = 8. 23 fit, 22 do not.
        using (ParameterBudget.Limit(23, "exact")) Assert.Equal(23, new Sequential(new Dense(3, inputShape: 4), new Dense(2)).CountParams());
        using (ParameterBudget.Limit(22, "one short"))
            Assert.Throws<ParameterLimitException>(() => new Sequential(new Dense(3, inputShape: 4), new Dense(2)));
    }

    [Fact]
    public void NoBudgetMeansNoLimitAndScopesNest()
    {
        Assert.Equal(5, new Sequential(new Dense(1, inputShape: 4)).CountParams());
        using (ParameterBudget.Limit(100, "outer"))
        {
            using (ParameterBudget.Limit(1, "inner")) Assert.Throws<ParameterLimitException>(() => new Sequential(new Dense(1, inputShape: 4)));
            Assert.Equal(5, new Sequential(new Dense(1, inputShape: 4)).CountParams());
        }
    }
}
