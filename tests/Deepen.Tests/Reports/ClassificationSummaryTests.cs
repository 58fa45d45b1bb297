using Deepen.Reports;

namespace Deepen.Tests.Reports;

public class ClassificationSummaryTests
{
    // true:      0 0 1 1 1 2 2 2 2
    // predicted: 0 1 1 1 0 2 0 2 2
    static ClassificationSummary Example() =>
        new(new[] { 0, 0, 1, 1, 1, 2, 2, 2, 2 }, new[] { 0, 1, 1, 1, 0, 2, 0, 2, 2 }, ["cat", "dog", "fox"]);

    [Fact]
    public void CountsTrueRowsAgainstPredictedColumns()
    {
        var s = Example();
        Assert.Equal(new long[,] { { 1, 1, 0 }, { 1, 2, 0 }, { 1, 0, 3 } }, s.ConfusionMatrix);
        Assert.Equal(9, s.Count);
        Assert.Equal(6 / 9.0, s.Accuracy, 1e-12);
        Assert.Equal(1, s[0, 1]);
    }

    [Fact]
    public void PerClassFiguresAreScikitLearns()
    {
        var s = Example();
        // cat: precision 1/3 (column 1+1+1), recall 1/2; dog: 2/3, 2/3; fox: 3/3, 3/4.
        Assert.Equal(new[] { 1 / 3.0, 2 / 3.0, 1.0 }, s.PerClass.Select(m => m.Precision), new Tolerance());
        Assert.Equal(new[] { 1 / 2.0, 2 / 3.0, 3 / 4.0 }, s.PerClass.Select(m => m.Recall), new Tolerance());
        Assert.Equal(2 * (1 / 3.0) * 0.5 / (1 / 3.0 + 0.5), s.PerClass[0].F1, 1e-12);
        Assert.Equal(new long[] { 2, 3, 4 }, s.PerClass.Select(m => m.Support));
        Assert.Equal((1 / 3.0 + 2 / 3.0 + 1) / 3, s.MacroAverage.Precision, 1e-12);
        Assert.Equal((0.5 * 2 + 2 / 3.0 * 3 + 0.75 * 4) / 9, s.WeightedAverage.Recall, 1e-12);
    }

    [Fact]
    public void ClassNeverPredictedHasZeroPrecision()
    {
        var s = new ClassificationSummary(new[] { 0, 1 }, new[] { 0, 0 }, ["a", "b"]);
        Assert.Equal(0, s.PerClass[1].Precision);
        Assert.Equal(0, s.PerClass[1].Recall);
        Assert.Equal(0, s.PerClass[1].F1);
    }

    [Fact]
    public void MostConfusedListsOffDiagonalCellsByCount()
    {
        var s = new ClassificationSummary(new[] { 0, 0, 0, 1, 2 }, new[] { 1, 1, 2, 0, 2 }, ["a", "b", "c"]);
        Assert.Equal(new[] { ("a", "b", 2L), ("a", "c", 1L), ("b", "a", 1L) }, s.MostConfused());
        Assert.Single(s.MostConfused(minCount: 2));
    }

    [Fact]
    public void LabelsOutsideTheClassesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new ClassificationSummary(new[] { 0, 3 }, new[] { 0, 1 }, ["a", "b"]));
        Assert.Equal("trueLabels", e.ParamName);
        Assert.Contains("Expected class indices in [0, 1]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ClassificationSummary(new[] { 0 }, new[] { 0, 1 }, ["a", "b"]));
        Assert.Equal("predictions", e.ParamName);
    }

    sealed class Tolerance : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) < 1e-12;
        public int GetHashCode(double v) => 0;
    }
}
