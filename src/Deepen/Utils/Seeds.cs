namespace Deepen.Utils;

/// <summary>
/// Repeatable seeds for the pipeline's <see cref="Random"/> streams. (Not <c>HashCode.Combine</c>: its results
/// change from process to process.)
/// </summary>
internal static class Seeds
{
    static long _counter;
    static int? _lastBackendSeed;

    /// <summary>Stream <paramref name="stream"/> of epoch <paramref name="epoch"/> for an iterator seeded with <paramref name="seed"/>.</summary>
    public static int Mix(int seed, int epoch, int stream)
    {
        ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)epoch * 0xBF58476D1CE4E5B9UL + (ulong)(uint)stream * 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    /// <summary>
    /// A seed for an object created without one: derived from <see cref="Backend.Seed"/> when set (so a seeded
    /// program repeats), otherwise random.
    /// </summary>
    public static int NewDefault()
    {
        lock (typeof(Seeds))
        {
            if (Backend.Seed is not int s) return Random.Shared.Next();
            if (_lastBackendSeed != s) { _lastBackendSeed = s; _counter = 0; }
            return Mix(s, (int)++_counter, 7);
        }
    }
}
