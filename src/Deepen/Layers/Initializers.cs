using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Weight initializers by Keras name. Fans follow Keras: for a kernel of Keras shape (..., in, out) the receptive
/// field times in / out; Keras's glorot_uniform limit is sqrt(6 / (fan_in + fan_out)).
/// </summary>
public static class Initializers
{
    static readonly string[] Known =
        { "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal",
          "zeros", "ones", "random_uniform", "random_normal", "uniform", "orthogonal" };

    /// <summary>Checks and normalizes an initializer name.</summary>
    public static string Resolve(string name, string argument) => Check.OneOf(name, argument, Known);

    /// <summary>Fills <paramref name="t"/> in place with initializer <paramref name="name"/> for the given fans.</summary>
    public static void Fill(Tensor t, string name, long fanIn, long fanOut)
    {
        using var _ = no_grad();
        switch (name)
        {
            case "zeros": t.zero_(); break;
            case "ones": t.fill_(1.0); break;
            case "random_uniform" or "uniform": t.uniform_(-0.05, 0.05); break; // Keras's "uniform" is RandomUniform(-0.05, 0.05)
            case "orthogonal": nn.init.orthogonal_(t); break;                   // recurrent kernels (Keras's default for RNNs)
            case "random_normal": t.normal_(0, 0.05); break;
            case "glorot_uniform": Uniform(t, 6.0 / (fanIn + fanOut)); break;
            case "he_uniform": Uniform(t, 6.0 / fanIn); break;
            case "lecun_uniform": Uniform(t, 3.0 / fanIn); break;
            // Keras's *_normal initializers draw from a normal truncated at 2 std; 0.8796 corrects the std for that.
            case "glorot_normal": TruncNormal(t, Math.Sqrt(2.0 / (fanIn + fanOut)) / 0.87962566103423978); break;
            case "he_normal": TruncNormal(t, Math.Sqrt(2.0 / fanIn) / 0.87962566103423978); break;
            case "lecun_normal": TruncNormal(t, Math.Sqrt(1.0 / fanIn) / 0.87962566103423978); break;
            default: throw Check.Invalid("initializer", name, "one of " + string.Join(", ", Known));
        }
    }

    static void Uniform(Tensor t, double limitSquared)
    {
        double limit = Math.Sqrt(limitSquared);
        t.uniform_(-limit, limit);
    }

    /// <summary>
    /// A normal of standard deviation <paramref name="std"/> truncated at ±2 std, by redrawing the values outside
    /// (TorchSharp 0.107's <c>nn.init.trunc_normal_</c> leaves the tensor constant, which breaks he_normal networks).
    /// </summary>
    static void TruncNormal(Tensor t, double std)
    {
        t.normal_(0, 1);
        for (int round = 0; round < 20; round++)             // each round keeps 95.4% of the draws: 20 rounds suffice
        {
            using var outside = t.abs().gt(2);
            if (!outside.any().item<bool>()) break;
            using var fresh = randn_like(t);
            t.copy_(where(outside, fresh, t));
        }
        t.clamp_(-2, 2).mul_(std);
    }
}
