using Deepen.Cli;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Regularizers;
using Deepen.Training;
using static TorchSharp.torch;

namespace Deepen.Tests.Cli;

/// <summary>
/// The pretrained presets' head on fixed features (<see cref="HeadSolver"/>): an L2-penalized logistic regression,
/// solved with L-BFGS. Its loss is strictly convex, so the optimum is the one point where the gradient of the loss
/// plus the penalty vanishes: the test checks that condition, not a number read off a run.
/// </summary>
public class HeadSolverTests
{
    [Theory]
    [InlineData(3, "softmax", "sparse_categorical_crossentropy")]
    [InlineData(2, "sigmoid", "binary_crossentropy")]
    public void The_head_stops_at_the_optimum_of_its_penalized_loss_where_the_gradient_vanishes(int classes, string activation, string loss)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(11);
        int n = 80, d = 6;
        var x = randn(new long[] { n, d }, generator: g) * 3;                    // features of uneven scale, as a base's
        var truth = randn(new long[] { d, classes }, generator: g);
        var noisy = x.matmul(truth) + 2 * randn(new long[] { n, classes }, generator: g);   // not separable
        var y = classes == 2 ? (noisy[.., 0] > noisy[.., 1]).to(ScalarType.Float32).unsqueeze(1) : noisy.argmax(1);
        var head = new Sequential(new Layer[] { new Dense(classes == 2 ? 1 : classes, activation: activation, kernelRegularizer: new L2(1.0 / (2 * n))) });
        head.Build(d);
        head.Compile("adam", loss, ["accuracy"]);

        var history = HeadSolver.Fit(head, x, y, validation: (x, y), epochs: 50, batchSize: 32, verbose: 0);

        Assert.InRange(history.Epochs.Count, 2, 49);                             // stopped once the loss stopped falling
        var losses = history["loss"];
        for (int i = 1; i < losses.Count; i++) Assert.True(losses[i] <= losses[i - 1] + 1e-6, $"the loss rose at epoch {i + 1}: {losses[i - 1]} → {losses[i]}");
        Assert.Equal(losses[^1], history["val_loss"][^1], 5);                   // validation on the same samples: the same loss

        var total = head.ComputeLoss(x, y);                                      // what the solver minimizes: Fit's loss + penalty
        Assert.Equal(losses[^1], total.item<float>(), 4);
        foreach (var w in head.TrainableWeights) w.Value.grad?.zero_();
        total.backward();
        foreach (var w in head.TrainableWeights)
        {
            double largest = w.Value.grad!.abs().max().item<float>();
            Assert.True(largest < 1e-4, $"{w.Name}: gradient {largest} at the end (expected about 0 at the optimum)");
        }
    }

    /// <summary>
    /// TorchSharp's L-BFGS has no line search, so on badly scaled features a step can overshoot (here the second epoch's
    /// step raises the loss). The solver goes back to the last weights and restarts with half the step: the recorded
    /// loss never rises, and the head it returns is the best point reached, not the overshoot.
    /// </summary>
    [Fact]
    public void An_overshooting_step_is_undone_and_retried_with_half_the_step()
    {
        using var scope = NewDisposeScope();
        Backend.SetRandomSeed(3);                                               // the head's starting weights: the path to the overshoot
        var g = new Generator(6);
        int n = 60, d = 20, classes = 3;
        var x = randn(new long[] { n, d }, generator: g) * 30;
        var y = x.matmul(randn(new long[] { d, classes }, generator: g)).argmax(1);
        var head = new Sequential(new Layer[] { new Dense(classes, activation: "softmax", kernelRegularizer: new L2(1.0 / (2 * n))) });
        head.Build(d);
        head.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        History history;
        try { history = HeadSolver.Fit(head, x, y, validation: null, epochs: 60, batchSize: 32, verbose: 1); }
        finally { Console.SetOut(console); }

        Assert.Contains("went back and restarted L-BFGS with step 0.5", output.ToString());
        var losses = history["loss"];
        Assert.True(losses.Count >= 2, output.ToString());                      // progress after the restart, not a stop
        for (int i = 1; i < losses.Count; i++) Assert.True(losses[i] <= losses[i - 1], $"the loss rose at epoch {i + 1}: {losses[i - 1]} → {losses[i]}");
        Assert.True(losses[^1] < losses[0] / 10, $"the loss fell from {losses[0]} to only {losses[^1]}");
        // The weights kept are the last recorded ones: the loss as Evaluate computes it (what the history records) is that epoch's.
        Assert.Equal(losses[^1], head.Evaluate(x, y, 32, verbose: 0)["loss"], 6);
    }
}
