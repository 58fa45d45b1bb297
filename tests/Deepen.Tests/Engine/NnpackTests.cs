using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Deepen.Tests.Engine;

/// <summary>
/// LibTorch's NNPACK switch: off where NNPACK's own initialization fails (it would print "Could not initialize NNPACK!
/// Reason: Unsupported hardware." for every eligible convolution — dozens of lines at the end of <c>deepen demo</c> on
/// this machine), left on where it works, as PyTorch leaves it.
/// </summary>
public class NnpackTests
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] delegate int InitializeFn();

    [Fact]
    public void NnpackIsOffExactlyWhenItCannotInitialize()
    {
        if (!OperatingSystem.IsLinux()) return;
        _ = Deepen.Backend.Device;                                  // Deepen's engine settings are in place
        Assert.True(NativeLibrary.TryLoad("libtorch_cpu.so", out var library));
        var init = Marshal.GetDelegateForFunctionPointer<InitializeFn>(NativeLibrary.GetExport(library, "nnp_initialize"));
        bool works = init() == 0;
        Assert.Equal(works, Deepen.Utils.Nnpack.Enabled);

        // A convolution NNPACK would be asked for (float NCHW, batch 16) still computes: each output is its window's sum.
        using var x = ones(16, 1, 5, 5);
        using var w = ones(1, 1, 3, 3);
        using var y = nn.functional.conv2d(x, w);
        Assert.All(y.data<float>().ToArray(), v => Assert.Equal(9f, v));
    }
}
