using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Deepen.Benchmarks;

/// <summary>
/// Hand-written TorchSharp training loops for the peer workloads of benchmarks/pytorch/train_step.py.
/// Each method times one training step (zero_grad + forward + loss + backward + Adam step, inside its own
/// dispose scope) and returns the per-step milliseconds after <c>warmup</c> untimed steps.
/// Channels-last: TorchSharp has no memory_format API, so the input and the 4-D conv weights are copied into
/// channels-last strides (<see cref="ToChannelsLast"/>; weights swapped in with <c>set_</c> under no_grad) before
/// the optimizer is built; LibTorch keeps that layout through the convolutions and their gradients.
/// </summary>
public static class RawTorchSharp
{
    public const int DefaultWarmup = 5;
    public const int DefaultSteps = 20;

    /// <summary>Seed CNN: 150x150x3, batch 32, Conv 32/64/128/128 (3x3 valid, ReLU, MaxPool 2), Dense 512, Dense 1; BCE-with-logits.</summary>
    public static List<double> Seed(bool channelsLast, int warmup = DefaultWarmup, int steps = DefaultSteps)
    {
        torch.manual_seed(0);
        using var model = new SeedCnn();
        using var x = torch.rand(32, 3, 150, 150);
        using var y = torch.randint(0, 2, new long[] { 32, 1 }).to_type(ScalarType.Float32);
        return TimeSteps(model, x, y, (o, t) => nn.functional.binary_cross_entropy_with_logits(o, t),
                         channelsLast, warmup, steps);
    }

    /// <summary>MNIST-size CNN: 28x28x1, batch 128, Conv32-Pool-Conv64-Pool-Dense128-Dense10; cross-entropy.</summary>
    public static List<double> Mnist(bool channelsLast, int warmup = DefaultWarmup, int steps = DefaultSteps)
    {
        torch.manual_seed(0);
        using var model = new MnistCnn();
        using var x = torch.rand(128, 1, 28, 28);
        using var y = torch.randint(0, 10, new long[] { 128 });
        return TimeSteps(model, x, y, (o, t) => nn.functional.cross_entropy(o, t), channelsLast, warmup, steps);
    }

    /// <summary>MLP 784-256-128-10 (ReLU), batch 128; cross-entropy.</summary>
    public static List<double> Mlp(int warmup = DefaultWarmup, int steps = DefaultSteps)
    {
        torch.manual_seed(0);
        using var model = new Mlp784();
        using var x = torch.rand(128, 784);
        using var y = torch.randint(0, 10, new long[] { 128 });
        return TimeSteps(model, x, y, (o, t) => nn.functional.cross_entropy(o, t), false, warmup, steps);
    }

    /// <summary>
    /// Copies a 4-D NCHW tensor into channels-last strides (same shape and values), like PyTorch's
    /// <c>contiguous(memory_format=torch.channels_last)</c>. For C &gt; 1 this equals
    /// <c>t.permute(0,2,3,1).contiguous().permute(0,3,1,2)</c>; with C == 1 that trick is a no-op (the permuted view
    /// already counts as contiguous, so LibTorch keeps NCHW strides and the first conv stays NCHW), hence
    /// <c>empty_strided</c> + <c>copy_</c> with explicit strides [H*W*C, 1, W*C, C].
    /// </summary>
    public static Tensor ToChannelsLast(Tensor t)
    {
        if (t.dim() != 4) throw new ArgumentException("expected a 4-D tensor", nameof(t));
        long n = t.shape[0], c = t.shape[1], h = t.shape[2], w = t.shape[3];
        var result = torch.empty_strided(t.shape, new[] { h * w * c, 1, w * c, c }, t.dtype, t.device);
        using (torch.no_grad()) result.copy_(t);
        return result;
    }

    /// <summary>Replaces every 4-D parameter's storage with a channels-last copy.</summary>
    public static void ParametersToChannelsLast(nn.Module model)
    {
        using var _ = torch.no_grad();
        foreach (var p in model.parameters())
            if (p.dim() == 4)
            {
                using var cl = ToChannelsLast(p);
                p.set_(cl);
            }
    }

    /// <summary>
    /// Sanity check of the channels-last trick on the MNIST CNN: trains an NCHW and a restrided copy (same seed, same
    /// batch) for a few steps and reports both losses, the conv weight strides after the Adam steps and the strides
    /// of the two convs' outputs. The losses should agree to float rounding.
    /// </summary>
    public static string ChannelsLastCheck(int steps = 3)
    {
        var lines = new List<string>();
        foreach (bool cl in new[] { false, true })
        {
            torch.manual_seed(0);
            using var model = new MnistCnn();
            using var x = torch.rand(128, 1, 28, 28);
            using var y = torch.randint(0, 10, new long[] { 128 });
            if (cl) ParametersToChannelsLast(model);
            using var input = cl ? ToChannelsLast(x) : x.alias();
            using var opt = torch.optim.Adam(model.parameters(), lr: 1e-3);
            var losses = new List<float>();
            for (int i = 0; i < steps; i++)
            {
                using var _ = torch.NewDisposeScope();
                opt.zero_grad();
                var l = nn.functional.cross_entropy(model.forward(input), y);
                l.backward();
                opt.step();
                losses.Add(l.item<float>());
            }
            var w = model.parameters().Where(p => p.dim() == 4).Select(p => "[" + string.Join(",", p.stride()) + "]");
            string convOut;
            using (torch.no_grad())
            {
                var conv1 = (Conv2d)model.named_modules().First(m => m.name == "conv1").module;
                var conv2 = (Conv2d)model.named_modules().First(m => m.name == "conv2").module;
                using var o1 = conv1.forward(input);
                using var o2 = conv2.forward(o1);
                convOut = "[" + string.Join(",", o1.stride()) + "] [" + string.Join(",", o2.stride()) + "]";
            }
            lines.Add($"{(cl ? "channels_last" : "nchw")}: losses {string.Join(" ", losses.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}; " +
                      $"conv weight strides {string.Join(" ", w)}; conv1/conv2 output strides {convOut}");
        }
        return string.Join(Environment.NewLine, lines);
    }

    static List<double> TimeSteps(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y,
                                  Func<Tensor, Tensor, Tensor> loss, bool channelsLast, int warmup, int steps)
    {
        Tensor input = x;
        if (channelsLast)
        {
            ParametersToChannelsLast(model);
            input = ToChannelsLast(x);
        }
        model.train();
        using var opt = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var times = new List<double>(steps);
        float last = float.NaN;
        var sw = new Stopwatch();
        try
        {
            for (int i = 0; i < warmup + steps; i++)
            {
                sw.Restart();
                using (torch.NewDisposeScope())
                {
                    opt.zero_grad();
                    var l = loss(model.forward(input), y);
                    l.backward();
                    opt.step();
                    if (i == warmup + steps - 1) last = l.item<float>();
                }
                sw.Stop();
                if (i >= warmup) times.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            if (!ReferenceEquals(input, x)) input.Dispose();
        }
        if (!float.IsFinite(last)) throw new InvalidOperationException("loss is not finite");
        return times;
    }

    sealed class SeedCnn : nn.Module<Tensor, Tensor>
    {
        // 150 -> conv 148 -> pool 74 -> conv 72 -> pool 36 -> conv 34 -> pool 17 -> conv 15 -> pool 7
        readonly Conv2d conv1 = nn.Conv2d(3, 32, 3);
        readonly Conv2d conv2 = nn.Conv2d(32, 64, 3);
        readonly Conv2d conv3 = nn.Conv2d(64, 128, 3);
        readonly Conv2d conv4 = nn.Conv2d(128, 128, 3);
        readonly Linear fc1 = nn.Linear(128 * 7 * 7, 512);
        readonly Linear fc2 = nn.Linear(512, 1);

        public SeedCnn() : base(nameof(SeedCnn)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(x)), 2);
            x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
            x = nn.functional.max_pool2d(nn.functional.relu(conv3.forward(x)), 2);
            x = nn.functional.max_pool2d(nn.functional.relu(conv4.forward(x)), 2);
            x = x.flatten(1);
            return fc2.forward(nn.functional.relu(fc1.forward(x)));
        }
    }

    sealed class MnistCnn : nn.Module<Tensor, Tensor>
    {
        // 28 -> conv 26 -> pool 13 -> conv 11 -> pool 5
        readonly Conv2d conv1 = nn.Conv2d(1, 32, 3);
        readonly Conv2d conv2 = nn.Conv2d(32, 64, 3);
        readonly Linear fc1 = nn.Linear(64 * 5 * 5, 128);
        readonly Linear fc2 = nn.Linear(128, 10);

        public MnistCnn() : base(nameof(MnistCnn)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(x)), 2);
            x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
            x = x.flatten(1);
            return fc2.forward(nn.functional.relu(fc1.forward(x)));
        }
    }

    sealed class Mlp784 : nn.Module<Tensor, Tensor>
    {
        readonly Linear fc1 = nn.Linear(784, 256);
        readonly Linear fc2 = nn.Linear(256, 128);
        readonly Linear fc3 = nn.Linear(128, 10);

        public Mlp784() : base(nameof(Mlp784)) => RegisterComponents();

        public override Tensor forward(Tensor x) =>
            fc3.forward(nn.functional.relu(fc2.forward(nn.functional.relu(fc1.forward(x)))));
    }
}
