using System.Runtime.InteropServices;

namespace Deepen.Utils;

/// <summary>
/// Turns LibTorch's NNPACK convolution path off when NNPACK cannot run on this CPU. LibTorch asks NNPACK for every
/// eligible float convolution (NCHW, batch of 16 or more) and, when its hardware probe fails, as it does on virtual
/// machines that hide the CPU's cache topology, prints "Could not initialize NNPACK! Reason: Unsupported hardware." to
/// stderr on each call — dozens of lines at the end of <c>deepen demo</c>. The computation is the same either way (the
/// convolution falls through to oneDNN or LibTorch's own kernels); where NNPACK works it stays on, as in PyTorch.
/// This is <c>torch.backends.nnpack.set_flags(False)</c>, which TorchSharp does not expose, done through LibTorch's
/// exports; on a platform whose exports differ (Windows' C++ names) nothing is changed.
/// </summary>
internal static class Nnpack
{
    const string NnpInitialize = "nnp_initialize";
    const string GlobalContext = "_ZN2at13globalContextEv";                      // at::globalContext()
    const string SetUserEnabled = "_ZN2at7Context20setUserEnabledNNPACKEb";       // at::Context::setUserEnabledNNPACK(bool)
    const string UserEnabled = "_ZNK2at7Context17userEnabledNNPACKEv";            // at::Context::userEnabledNNPACK() const

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] delegate int InitializeFn();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] delegate IntPtr ContextFn();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] delegate void SetFlagFn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] [return: MarshalAs(UnmanagedType.U1)] delegate bool GetFlagFn(IntPtr context);

    /// <summary>Disables NNPACK when its initialization reports failure; returns whether NNPACK is now enabled (null when unknown).</summary>
    internal static bool? DisableWhenUnavailable()
    {
        if (!Library(out var library)) return null;
        if (!NativeLibrary.TryGetExport(library, NnpInitialize, out var init)
            || !NativeLibrary.TryGetExport(library, GlobalContext, out var context)
            || !NativeLibrary.TryGetExport(library, SetUserEnabled, out var set)) return null;
        var ctx = Marshal.GetDelegateForFunctionPointer<ContextFn>(context)();
        if (Marshal.GetDelegateForFunctionPointer<InitializeFn>(init)() == 0) return true;   // nnp_status_success
        Marshal.GetDelegateForFunctionPointer<SetFlagFn>(set)(ctx, false);
        return false;
    }

    /// <summary>LibTorch's own switch (<c>torch.backends.nnpack.enabled</c>), or null where it cannot be read.</summary>
    internal static bool? Enabled
    {
        get
        {
            if (!Library(out var library)
                || !NativeLibrary.TryGetExport(library, GlobalContext, out var context)
                || !NativeLibrary.TryGetExport(library, UserEnabled, out var get)) return null;
            return Marshal.GetDelegateForFunctionPointer<GetFlagFn>(get)(Marshal.GetDelegateForFunctionPointer<ContextFn>(context)());
        }
    }

    static bool Library(out IntPtr library)
    {
        library = IntPtr.Zero;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        TorchSharp.torch.get_num_threads();   // makes sure TorchSharp has loaded LibTorch
        // LibTorch is loaded by now, so dlopen finds it by its name among the loaded libraries.
        return NativeLibrary.TryLoad(OperatingSystem.IsLinux() ? "libtorch_cpu.so" : "libtorch_cpu.dylib", out library);
    }
}
