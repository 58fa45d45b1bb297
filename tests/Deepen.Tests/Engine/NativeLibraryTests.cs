using static TorchSharp.torch;

namespace Deepen.Tests.Engine;

/// <summary>Proves TorchSharp's native shim loaded (patched where the system libstdc++ needs it) and computes.</summary>
public class NativeLibraryTests
{
    [Fact]
    public void MatrixProductOfLoadedLibraryIsCorrect()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        using var c = a.matmul(b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void AutogradComputesGradientOfSquare()
    {
        using var x = tensor(new float[] { 3f }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        Assert.Equal(6f, x.grad!.item<float>(), 5);
    }

    [Fact]
    public void ShimInOutputNoLongerNeedsGlibcxx332WhenSystemLacksIt()
    {
        if (!OperatingSystem.IsLinux()) return;
        string shim = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(shim)) shim = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(shim), $"TorchSharp's shim is missing from the output: {shim}");
        bool systemHas332 = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .Where(File.Exists).Take(1)
            .Any(p => Contains(File.ReadAllBytes(p), "GLIBCXX_3.4.32\0"));
        // The version string may stay in .dynstr; what matters is that the library loaded (the tests above) and,
        // on systems without 3.4.32, that the patched copy differs from the NuGet original.
        if (!systemHas332)
        {
            string original = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
                "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            if (File.Exists(original))
            {
                Assert.NotEqual(File.ReadAllBytes(original), File.ReadAllBytes(shim));
                Assert.True(Contains(File.ReadAllBytes(original), "GLIBCXX_3.4.32\0"), "the NuGet cache copy must stay untouched");
            }
        }
    }

    static bool Contains(byte[] hay, string needle)
    {
        var n = System.Text.Encoding.ASCII.GetBytes(needle);
        return hay.AsSpan().IndexOf(n) >= 0;
    }
}
