using System.Collections;
using Deepen.Layers;
using Deepen.Models;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Deepen.Saving.WeightFiles;

/// <summary>
/// PyTorch's weights: a <c>torch.save(model.state_dict())</c> zip file (read and written with TorchSharp.PyBridge)
/// or a <c>.safetensors</c> file. Keys are <c>&lt;module&gt;.&lt;parameter&gt;</c> (<c>fc1.weight</c>,
/// <c>bn.running_mean</c>); a module is matched to a Deepen layer in order, or by name (module path = layer name) with
/// <c>byName</c>. Values are in PyTorch's layouts, which Deepen keeps in memory; a Dense layer fed by a Flatten of
/// images gets its input columns reordered, since PyTorch flattens channels first and Keras channels last.
/// </summary>
internal static class PyTorchStateDictFile
{
    const string BatchCounter = "num_batches_tracked";

    public static bool IsSafeTensors(string path) => path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file's tensors in the state_dict's order.</summary>
    static List<(string Key, Tensor Value)> Read(string path)
    {
        if (IsSafeTensors(path))
        {
            long length = new FileInfo(path).Length;
            using (var stream = File.OpenRead(path))
            {
                var header = new byte[8];
                if (stream.Read(header, 0, 8) < 8 || BitConverter.ToUInt64(header) > (ulong)(length - 8))
                    throw new FormatException($"the safetensors header is truncated or its length is wrong ({length} bytes in the file).");
            }
            return Safetensors.LoadStateDict(path).Select(kv => (kv.Key, kv.Value)).ToList();
        }
        Hashtable table;
        try { table = PyTorchUnpickler.UnpickleStateDict(path); }
        // TorchSharp.PyBridge's unpickler throws NotImplementedException for pickle content it does not read (an
        // unknown opcode or class): for a user that is a file Deepen cannot read, reported as a FormatException.
        catch (NotImplementedException e) { throw new FormatException(e.Message, e); }
        var order = PickleKeyOrder.Order(path, table.Keys.Cast<object>().Select(k => k.ToString()!));
        return order.Select(k => (k, (Tensor)table[k]!)).ToList();
    }

    /// <summary>The tensors grouped by module (the key up to its last dot), modules in order of first appearance.</summary>
    static List<(string Module, List<(string Parameter, Tensor Value)> Tensors)> Modules(List<(string Key, Tensor Value)> state)
    {
        var modules = new List<(string, List<(string, Tensor)>)>();
        var index = new Dictionary<string, int>();
        foreach (var (key, value) in state)
        {
            int dot = key.LastIndexOf('.');
            string module = dot < 0 ? "" : key[..dot], parameter = key[(dot + 1)..];
            if (parameter == BatchCounter) { value.Dispose(); continue; }        // BatchNorm's step counter: Keras has none
            if (!index.TryGetValue(module, out int i)) { index[module] = i = modules.Count; modules.Add((module, new())); }
            modules[i].Item2.Add((parameter, value));
        }
        return modules;
    }

    public static void Load(WeightLoad load, string path, bool byName)
    {
        var modules = Modules(Read(path));
        try
        {
            if (byName)
            {
                for (int k = 0; k < modules.Count; k++)
                    foreach (var layer in load.Layers.Where(l => l.Name == modules[k].Module))
                        Assign(load, k, layer, modules[k]);
                return;
            }
            if (modules.Count != load.Layers.Count)
                throw new ArgumentException(
                    $"Layer count mismatch when loading weights from file. Model expected {load.Layers.Count} layers with weights, found {modules.Count} modules with weights. " +
                    $"Model: [{string.Join(", ", load.Layers.Select(l => l.Name))}]; file: [{string.Join(", ", modules.Select(m => m.Module))}]. " +
                    "Pass byName: true to load the modules whose paths match layer names.");
            for (int k = 0; k < modules.Count; k++) Assign(load, k, load.Layers[k], modules[k]);
        }
        finally
        {
            foreach (var (_, tensors) in modules) foreach (var (_, t) in tensors) t.Dispose();
        }
    }

    /// <summary>Puts a module's tensors in the layer's weight order by PyTorch name, then hands them to the shared checks.</summary>
    static void Assign(WeightLoad load, int k, Layer layer, (string Module, List<(string Parameter, Tensor Value)> Tensors) module)
    {
        var mapped = load.Map(layer);
        var expected = mapped.Select(m => m.TorchName).ToList();
        var found = module.Tensors.Select(t => t.Parameter).ToList();
        if (!expected.OrderBy(n => n).SequenceEqual(found.OrderBy(n => n)))
        {
            load.Mismatch($"Parameter mismatch for layer #{k} (named {layer.Name}, {layer.ClassName}) and module \"{module.Module}\": " +
                          $"the layer expects [{string.Join(", ", expected)}], the file has [{string.Join(", ", found)}].");
            return;
        }
        var values = expected.Select(n => module.Tensors.First(t => t.Parameter == n).Value.alias()).ToList();
        load.Assign(k, layer, module.Module, values);
    }

    public static void Save(Model model, string path)
    {
        var state = new List<(string Key, Tensor Value)>();
        try
        {
            using (no_grad())
                foreach (var layer in model.Layers.Where(l => l is not Input && l.Weights.Count > 0))
                {
                    foreach (var m in WeightLayout.Map(layer, WeightLayout.FlattenedInput(model, layer), "PyTorch"))
                        state.Add(($"{layer.Name}.{m.TorchName}", m.ToTorch(m.Weight.Value.detach()).cpu()));
                    if (layer is BatchNormalization)                   // PyTorch's strict load_state_dict expects it
                        state.Add(($"{layer.Name}.{BatchCounter}", tensor(0L)));
                }
            string full = Path.GetFullPath(path), temporary = full + ".tmp-" + Guid.NewGuid().ToString("N");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew))
                {
                    if (IsSafeTensors(path))
                    {
                        if (state.Any(s => s.Key.Any(c => c > 127)))
                            throw new ArgumentException($"Layer names must be ASCII to be written as safetensors keys. Received: {string.Join(", ", state.Select(s => s.Key).Where(k => k.Any(c => c > 127)))}");
                        Safetensors.SaveStateDict(stream, state.ToDictionary(s => s.Key, s => s.Value));
                    }
                    else PyTorchPickler.PickleStateDict(stream, new OrderedHashtable(state));
                }
                File.Move(temporary, full, overwrite: true);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }
        finally
        {
            foreach (var (_, t) in state) t.Dispose();
        }
    }

    /// <summary>A Hashtable that enumerates in insertion order, so the pickled state_dict keeps the layers' order.</summary>
    sealed class OrderedHashtable : Hashtable
    {
        readonly List<object> _order = new();

        public OrderedHashtable(IEnumerable<(string Key, Tensor Value)> items)
        {
            foreach (var (k, v) in items) { base.Add(k, v); _order.Add(k); }
        }

        public override ICollection Keys => _order.ToArray();
        public override ICollection Values => _order.Select(k => this[k]).ToArray();
        public override IDictionaryEnumerator GetEnumerator() =>
            _order.Select(k => new DictionaryEntry(k, this[k])).ToDictionaryEnumerator();
    }
}

internal static class DictionaryEnumeratorExtensions
{
    public static IDictionaryEnumerator ToDictionaryEnumerator(this IEnumerable<DictionaryEntry> entries) => new Enumerator(entries.ToList());

    sealed class Enumerator(List<DictionaryEntry> entries) : IDictionaryEnumerator
    {
        int _index = -1;
        public DictionaryEntry Entry => entries[_index];
        public object Key => Entry.Key;
        public object? Value => Entry.Value;
        public object Current => Entry;
        public bool MoveNext() => ++_index < entries.Count;
        public void Reset() => _index = -1;
    }
}
