using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Models;

/// <summary>
/// The engine behind a functional <see cref="Model"/>: the nodes between its inputs and outputs in topological
/// order, compiled to a flat plan of slots so that a forward pass is one loop over layer calls.
/// </summary>
internal sealed class FunctionalGraph
{
    readonly record struct Step(Layer Layer, int[] Inputs, bool ListCall, int Output);

    readonly Step[] _steps;
    readonly int _slots;
    readonly int[] _inputSlots, _outputSlots;
    readonly bool[] _outputIsPlain;           // produced by a single-input call and consumed by nothing else

    public FunctionalGraph(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0) throw Utils.Check.Invalid(nameof(inputs), "[]", "at least one symbolic tensor made by new Input(shape)");
        if (outputs.Count == 0) throw Utils.Check.Invalid(nameof(outputs), "[]", "at least one symbolic tensor returned by a layer call");
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"Input {i} of the model is null.");
            if (inputs[i].Layer is not Input)
                throw new ArgumentException(
                    $"Input {i} of the model must come directly from an Input (new Input(shape)); it was produced by layer \"{inputs[i].Layer.Name}\" ({inputs[i].Layer.ClassName}).", nameof(inputs));
            if (inputs.Take(i).Contains(inputs[i]))
                throw new ArgumentException($"The same Input is given twice as a model input (positions {inputs.ToList().IndexOf(inputs[i])} and {i}).", nameof(inputs));
        }
        for (int i = 0; i < outputs.Count; i++)
            if (outputs[i] is null) throw new ArgumentNullException(nameof(outputs), $"Output {i} of the model is null.");
        Inputs = inputs.ToArray();
        Outputs = outputs.ToArray();

        // Topological order: the inputs first, then a depth-first post-order walk from the outputs.
        var order = new List<Node>();
        var seen = new HashSet<Node>();
        foreach (var t in Inputs) { order.Add(t.Node); seen.Add(t.Node); }
        var inputNodes = new HashSet<Node>(seen);
        foreach (var t in Outputs) Visit(t.Node, order, seen, inputNodes);
        Nodes = order;

        Layers = order.Select(n => n.Layer).Distinct().ToArray();
        AssignNames();
        var perLayer = new Dictionary<Layer, int>();
        NodeIndex = new Dictionary<Node, int>();
        foreach (var n in order)
        {
            perLayer.TryGetValue(n.Layer, out int k);
            NodeIndex[n] = k;
            perLayer[n.Layer] = k + 1;
        }

        var slot = new Dictionary<KerasTensor, int>();
        for (int i = 0; i < order.Count; i++) slot[order[i].Output] = i;
        _slots = order.Count;
        _inputSlots = Inputs.Select(t => slot[t]).ToArray();
        _outputSlots = Outputs.Select(t => slot[t]).ToArray();
        _steps = order.Where(n => !inputNodes.Contains(n))
            .Select(n => new Step(n.Layer, n.Inputs.Select(t => slot[t]).ToArray(), n.ListCall, slot[n.Output])).ToArray();
        var consumed = _steps.SelectMany(s => s.Inputs).ToHashSet();
        _outputIsPlain = _outputSlots.Select(s => !consumed.Contains(s) && _outputSlots.Count(o => o == s) == 1
            && _steps.Any(st => st.Output == s && !st.ListCall)).ToArray();
    }

    static void Visit(Node node, List<Node> order, HashSet<Node> seen, HashSet<Node> inputNodes)
    {
        if (seen.Contains(node)) return;
        if (node.Layer is Input)
            throw new ArgumentException(
                $"Graph disconnected: the outputs depend on Input \"{node.Layer.Name}\" {node.Output.Shape.ToBatchString()}, which is not among the model's inputs. Pass it in `inputs`.", "inputs");
        // An explicit stack keeps deep graphs (hundreds of layers) off the call stack.
        var stack = new Stack<(Node Node, int Next)>();
        stack.Push((node, 0));
        seen.Add(node);
        while (stack.Count > 0)
        {
            var (n, next) = stack.Pop();
            if (next < n.Inputs.Count)
            {
                stack.Push((n, next + 1));
                var child = n.Inputs[next].Node;
                if (seen.Contains(child)) continue;
                if (child.Layer is Input && !inputNodes.Contains(child))
                    throw new ArgumentException(
                        $"Graph disconnected: the outputs depend on Input \"{child.Layer.Name}\" {child.Output.Shape.ToBatchString()}, which is not among the model's inputs. Pass it in `inputs`.", "inputs");
                seen.Add(child);
                stack.Push((child, 0));
            }
            else order.Add(n);
        }
    }

    void AssignNames()
    {
        var named = Layers.Where(l => l.Name.Length > 0).GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (named is not null)
            throw new ArgumentException($"The name \"{named.Key}\" is used {named.Count()} times in the model. All layer names should be unique.");
        var taken = Layers.Where(l => l.Name.Length > 0).Select(l => l.Name).ToHashSet();
        foreach (var layer in Layers.Where(l => l.Name.Length == 0))
        {
            string baseName = layer.DefaultName, name = baseName;
            for (int i = 1; taken.Contains(name); i++) name = $"{baseName}_{i}";
            layer.Name = name;
            taken.Add(name);
        }
    }

    public IReadOnlyList<KerasTensor> Inputs { get; }
    public IReadOnlyList<KerasTensor> Outputs { get; }
    /// <summary>Every node of the model, inputs first, in an order where a node follows the nodes it reads.</summary>
    public IReadOnlyList<Node> Nodes { get; }
    /// <summary>The layers in order of first use (each once, even when shared).</summary>
    public IReadOnlyList<Layer> Layers { get; }
    /// <summary>A node's index among its layer's nodes in this model (Keras's <c>node_index</c>).</summary>
    public Dictionary<Node, int> NodeIndex { get; }

    /// <summary>
    /// The named activation that ends output <paramref name="index"/>, when the loss may take that output's logits
    /// instead (the output comes from a single-input call whose value nothing else reads).
    /// </summary>
    public string? FinalActivation(int index) => _outputIsPlain[index] ? Outputs[index].Layer.FinalActivation : null;

    /// <summary>Runs the graph; outputs listed in <paramref name="logits"/> skip their final activation.</summary>
    public Tensor[] Forward(IReadOnlyList<Tensor> inputs, bool training, IReadOnlyList<bool>? logits = null) =>
        Forward(inputs, training, logits, capture: null, out _);

    /// <summary>
    /// Runs the graph and also returns the output of the first call of <paramref name="capture"/> (for explanations):
    /// the very tensor later nodes read, so gradients of the outputs with respect to it can be taken.
    /// </summary>
    public Tensor[] Forward(IReadOnlyList<Tensor> inputs, bool training, IReadOnlyList<bool>? logits, Layer? capture, out Tensor? captured)
    {
        captured = null;
        using var scope = NewDisposeScope();
        var values = new Tensor?[_slots];
        var masks = new Tensor?[_slots];
        for (int i = 0; i < _inputSlots.Length; i++) values[_inputSlots[i]] = inputs[i];
        bool[]? skip = null;
        if (logits is not null)
            for (int i = 0; i < _outputSlots.Length; i++)
                if (logits[i] && _outputIsPlain[i]) (skip ??= new bool[_slots])[_outputSlots[i]] = true;

        foreach (var step in _steps)
        {
            var layer = step.Layer;
            if (!step.ListCall)
            {
                var x = values[step.Inputs[0]]!;
                var mask = masks[step.Inputs[0]];
                values[step.Output] = skip is not null && skip[step.Output] ? layer.CallWithoutActivation(x, mask, training)
                    : mask is null ? layer.Call(x, training) : layer.Call(x, mask, training);
                masks[step.Output] = layer.ComputeMask(x, mask);
            }
            else
            {
                var xs = new Tensor[step.Inputs.Length];
                var ms = new Tensor?[step.Inputs.Length];
                for (int i = 0; i < xs.Length; i++) { xs[i] = values[step.Inputs[i]]!; ms[i] = masks[step.Inputs[i]]; }
                values[step.Output] = layer.Call(xs, ms, training);
                masks[step.Output] = layer.ComputeMask(xs, ms);
            }
            if (layer.ActivityRegularizer is { } activity && ActivityLosses.Active)     // Keras: add_loss in Layer.__call__
            {
                var y = values[step.Output]!;
                if (skip is not null && skip[step.Output]) y = Activations.Activations.Get(layer.FinalActivation)(y); // the penalty sees the activation's output
                ActivityLosses.Add(ActivityLosses.Penalty(activity, y).MoveToOuterDisposeScope());
            }
            if (captured is null && capture is not null && ReferenceEquals(layer, capture)) captured = values[step.Output];
        }
        var outputs = new Tensor[_outputSlots.Length];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = values[_outputSlots[i]]!.alias().MoveToOuterDisposeScope();
        captured?.MoveToOuterDisposeScope();
        return outputs;
    }
}
