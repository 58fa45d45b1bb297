using System.Globalization;
using Deepen.Models;
using Deepen.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Deepen.Cli;

/// <summary>
/// Trains a pretrained preset's new head on the frozen base's features, computed once, to the optimum of its loss.
/// The head is one Dense layer with an L2 penalty on its kernel (<see cref="Applications.PretrainedPresets.HeadL2"/>), so
/// on fixed features its training loss (cross-entropy + penalty, what Keras's <c>fit</c> minimizes) is convex: a
/// multinomial (or binary) logistic regression. It is minimized over all the samples at once with LibTorch's L-BFGS,
/// as scikit-learn's <c>LogisticRegression</c> (solver "lbfgs") does. Adam at 1e-3 for the usual tens of epochs stops
/// far from that optimum on a hundred samples (measured in examples/Transfer/README.md: 70.2% instead of about 73.4%
/// on Fashion-MNIST, 10 images per class), and where it stops depends on the learning rate and the epochs.
/// </summary>
internal static class HeadSolver
{
    /// <summary>L-BFGS iterations per epoch (one <c>step</c>; PyTorch's and TorchSharp's default <c>max_iter</c>).</summary>
    public const int IterationsPerEpoch = 20;

    /// <summary>The epoch's loss decrease below which the optimum is reached and training stops.</summary>
    public const double Tolerance = 1e-7;

    /// <summary>How many times an overshooting step is retried with half the step size before training stops.</summary>
    public const int MaxRestarts = 8;

    /// <summary>
    /// Minimizes <paramref name="head"/>'s compiled loss plus its regularization penalties on (<paramref name="x"/>,
    /// <paramref name="y"/>): at most <paramref name="epochs"/> L-BFGS steps of <see cref="IterationsPerEpoch"/>
    /// iterations, stopping once an epoch lowers the loss by less than <see cref="Tolerance"/>. Each epoch's loss and
    /// metrics (and the validation ones) go into the returned history, as <c>Fit</c> records them.
    /// </summary>
    public static History Fit(Model head, Tensor x, Tensor y, (Tensor X, Tensor Y)? validation, int epochs, int batchSize, int verbose)
    {
        var parameters = head.TrainableWeights.Select(w => (Parameter)w.Value).ToList();
        double rate = 1;
        var solver = optim.LBFGS(parameters, lr: rate, max_iter: IterationsPerEpoch);
        var history = new History();
        double previous = double.PositiveInfinity;
        int recorded = 0, restarts = 0;
        Dictionary<string, double> TrainingLogs() => new(head.Evaluate(x, y, batchSize, verbose: 0));
        Dictionary<string, double> WithValidation(Dictionary<string, double> logs)
        {
            if (validation is { } v)
                foreach (var (k, value) in head.Evaluate(v.X, v.Y, batchSize, verbose: 0)) logs["val_" + k] = value;
            return logs;
        }
        try
        {
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                var before = parameters.Select(p => p.detach().clone()).ToList();
                Dictionary<string, double> logs;
                try
                {
                    solver.step(() =>
                    {
                        solver.zero_grad();
                        using var scope = NewDisposeScope();
                        var total = head.ComputeLoss(x, y);      // Fit's loss: on logits, with the penalties
                        total.backward();
                        return total.detach().MoveToOuterDisposeScope();
                    });
                    logs = TrainingLogs();
                    if (!(logs["loss"] <= previous))
                    {
                        // L-BFGS without a line search (TorchSharp has none) can overshoot: go back to the last epoch's weights
                        // and restart it with half the step and a fresh curvature history (a backtracking line search by hand).
                        using (no_grad()) for (int i = 0; i < parameters.Count; i++) parameters[i].copy_(before[i]);
                        if (++restarts > MaxRestarts)
                        {
                            if (verbose > 0) Console.WriteLine($"Head epoch {epoch + 1}: the loss rose to {logs["loss"]:0.####} after {MaxRestarts} step halvings; kept the last weights and stopped.");
                            break;
                        }
                        rate /= 2;
                        solver.Dispose();
                        solver = optim.LBFGS(parameters, lr: rate, max_iter: IterationsPerEpoch);
                        if (verbose > 0) Console.WriteLine($"Head epoch {epoch + 1}: the loss rose to {logs["loss"]:0.####}; went back and restarted L-BFGS with step {rate:G3}.");
                        continue;
                    }
                }
                finally { before.ForEach(t => t.Dispose()); }
                history.OnEpochEnd(recorded++, WithValidation(logs));
                if (verbose > 0)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Head epoch {epoch + 1}/{epochs} (L-BFGS, {IterationsPerEpoch} iterations): {string.Join(" - ", logs.Select(kv => $"{kv.Key}: {kv.Value:0.####}"))}"));
                double current = logs["loss"];
                if (previous - current < Tolerance) break;
                previous = current;
            }
            if (recorded == 0) history.OnEpochEnd(0, WithValidation(TrainingLogs()));   // not one step lowered the loss: the starting point's
        }
        finally
        {
            solver.Dispose();
        }
        return history;
    }
}
