using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.MixedPrecision;

/// <summary>
/// The precision a model computes in, as Keras's <c>DTypePolicy</c>: <c>"float32"</c> (the default) or
/// <c>"mixed_bfloat16"</c>, which runs convolutions and matrix products in bfloat16 while the weights (master copies),
/// the optimizer state, the loss, the final softmax/sigmoid and normalization statistics stay float32. Saved weights
/// are always float32.
/// </summary>
/// <remarks>
/// bfloat16 pays off on hardware with native bf16 arithmetic: CPUs with AVX512-BF16 or AMX (recent Xeon and EPYC),
/// and CUDA GPUs from Ampere on. Elsewhere LibTorch emulates it and training is much slower than float32;
/// <see cref="HardwareSupportsBFloat16"/> says which case applies, and <c>Fit</c> warns once when it does not.
/// </remarks>
/// <example><code>
/// model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"], dtypePolicy: "mixed_bfloat16");
/// // or for every model compiled from now on, as keras.mixed_precision.set_global_policy:
/// DTypePolicy.Global = DTypePolicy.MixedBFloat16;
/// </code></example>
public sealed class DTypePolicy
{
    DTypePolicy(string name, ScalarType computeDtype)
    {
        Name = name;
        ComputeDtype = computeDtype;
    }

    /// <summary>Everything in float32.</summary>
    public static DTypePolicy Float32 { get; } = new("float32", ScalarType.Float32);

    /// <summary>Convolutions and matrix products in bfloat16; weights, optimizer state and loss in float32.</summary>
    public static DTypePolicy MixedBFloat16 { get; } = new("mixed_bfloat16", ScalarType.BFloat16);

    /// <summary>The policy names <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "float32", "mixed_bfloat16" };

    /// <summary>The policy models use unless <c>Compile</c> names one (Keras's global policy). Default float32.</summary>
    public static DTypePolicy Global { get; set; } = Float32;

    /// <summary>The Keras name: "float32" or "mixed_bfloat16".</summary>
    public string Name { get; }

    /// <summary>The dtype layers compute in.</summary>
    public ScalarType ComputeDtype { get; }

    /// <summary>The dtype of weights (always float32).</summary>
    public ScalarType VariableDtype => ScalarType.Float32;

    /// <summary>Whether computation happens in a lower precision than the weights.</summary>
    public bool IsMixed => ComputeDtype != VariableDtype;

    /// <summary>The policy called <paramref name="name"/> ("float32", "mixed_bfloat16"; case-insensitive).</summary>
    public static DTypePolicy Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "float32" or "fp32" => Float32,
            "mixed_bfloat16" or "bf16" or "bfloat16" => MixedBFloat16,
            "mixed_float16" => throw Check.Invalid("dtypePolicy", name,
                "\"float32\" or \"mixed_bfloat16\" (mixed_float16 needs loss scaling and is not supported; bfloat16 has float32's range and needs none)"),
            _ => throw Check.Invalid("dtypePolicy", name, "\"float32\" or \"mixed_bfloat16\""),
        };
    }

    /// <summary>Converts a policy name.</summary>
    public static implicit operator DTypePolicy(string name) => Get(name);

    /// <summary>
    /// Whether <paramref name="device"/> computes bfloat16 natively: a CUDA device, or a CPU whose flags (Linux
    /// <c>/proc/cpuinfo</c>) include avx512_bf16 or amx_bf16. False when it cannot be determined.
    /// </summary>
    public static bool HardwareSupportsBFloat16(Device? device = null)
    {
        device ??= Backend.Device;
        if (device.type == TorchSharp.DeviceType.CUDA) return true;
        return CpuFlags.Value.Contains("avx512_bf16") || CpuFlags.Value.Contains("amx_bf16");
    }

    static readonly Lazy<HashSet<string>> CpuFlags = new(() =>
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo")) return new HashSet<string>();
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return line is null ? new HashSet<string>() : line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        }
        catch (IOException) { return new HashSet<string>(); }
    });

    /// <inheritdoc/>
    public override string ToString() => Name;
}
