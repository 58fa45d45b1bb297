using System.Text.Json.Nodes;
using Deepen.Layers;

namespace Deepen.Models;

/// <summary>
/// A functional model's config, in Keras's shape: <c>layers</c> (each with <c>class_name</c>, <c>name</c>,
/// <c>config</c> and <c>inbound_nodes</c>: one entry per call, listing the <c>[layer, node_index, tensor_index]</c>
/// of its inputs), <c>input_layers</c> and <c>output_layers</c>. Rebuilding replays the calls, so shapes and
/// shared weights come back as they were.
/// </summary>
internal static class FunctionalConfig
{
    public static LayerConfig Get(Model model, FunctionalGraph graph)
    {
        var layers = new JsonArray();
        foreach (var layer in graph.Layers)
        {
            var nodes = new JsonArray();
            foreach (var node in graph.Nodes.Where(n => n.Layer == layer && n.Inputs.Count > 0))
                nodes.Add(new JsonArray(node.Inputs.Select(t => (JsonNode?)Ref(graph, t)).ToArray()));
            layers.Add(new JsonObject
            {
                ["class_name"] = layer.ClassName,
                ["name"] = layer.Name,
                ["config"] = layer.GetConfig().Json,
                ["inbound_nodes"] = nodes,
            });
        }
        return new LayerConfig().Set("name", model.Name).Set("layers", layers)
            .Set("input_layers", new JsonArray(graph.Inputs.Select(t => (JsonNode?)Ref(graph, t)).ToArray()))
            .Set("output_layers", new JsonArray(graph.Outputs.Select(t => (JsonNode?)Ref(graph, t)).ToArray()));
    }

    static JsonArray Ref(FunctionalGraph graph, KerasTensor t) =>
        new(JsonValue.Create(t.Layer.Name), JsonValue.Create(graph.NodeIndex[t.Node]), JsonValue.Create(0));

    public static Model Create(LayerConfig config)
    {
        var layersNode = config.Json["layers"] as JsonArray ?? throw new FormatException("the functional config has no \"layers\" array.");
        var layers = new List<(Layer Layer, JsonArray Nodes)>();
        var byName = new Dictionary<string, Layer>();
        int index = 0;
        foreach (var node in layersNode)
        {
            if (node is not JsonObject o || o["class_name"]?.GetValue<string>() is not string cls || o["config"] is not JsonObject lc)
                throw new FormatException($"Layer {index} of the model config is not of the form {{\"class_name\": ..., \"config\": {{...}}, \"inbound_nodes\": [...]}}.");
            var layer = LayerRegistry.Create(cls, new LayerConfig(lc.DeepClone().AsObject()));
            if (o["name"]?.GetValue<string>() is string name) layer.Name = name;
            if (layer.Name.Length == 0) throw new FormatException($"Layer {index} ({cls}) of the model config has no name.");
            if (!byName.TryAdd(layer.Name, layer)) throw new FormatException($"The name \"{layer.Name}\" is used by two layers of the model config.");
            var inbound = o["inbound_nodes"] as JsonArray ?? new JsonArray();
            if (layer is Input && inbound.Count > 0) throw new FormatException($"InputLayer \"{layer.Name}\" cannot have inbound nodes.");
            layers.Add((layer, inbound));
            index++;
        }

        // Replay the calls; a node waits until every tensor it reads exists.
        var tensors = new Dictionary<(string, int), KerasTensor>();
        foreach (var (layer, _) in layers)
            if (layer is Input input) tensors[(input.Name, 0)] = input.Output;
        var next = new int[layers.Count];
        bool progress = true;
        while (progress)
        {
            progress = false;
            for (int i = 0; i < layers.Count; i++)
            {
                var (layer, nodes) = layers[i];
                while (next[i] < nodes.Count)
                {
                    var refs = nodes[next[i]] as JsonArray ?? throw new FormatException($"Inbound node {next[i]} of layer \"{layer.Name}\" is not a list of [layer, node_index, tensor_index].");
                    var args = new List<KerasTensor>();
                    foreach (var r in refs)
                    {
                        var key = ParseRef(r, $"inbound node {next[i]} of layer \"{layer.Name}\"");
                        if (!tensors.TryGetValue(key, out var t)) break;
                        args.Add(t);
                    }
                    if (args.Count < refs.Count) break;
                    if (args.Count == 0) throw new FormatException($"Inbound node {next[i]} of layer \"{layer.Name}\" has no inputs.");
                    tensors[(layer.Name, next[i])] = args.Count == 1 && !layer.TakesMultipleInputs ? layer.Call(args[0]) : layer.Call(args.ToArray());
                    next[i]++;
                    progress = true;
                }
            }
        }
        for (int i = 0; i < layers.Count; i++)
            if (next[i] < layers[i].Nodes.Count)
                throw new FormatException(
                    $"Inbound node {next[i]} of layer \"{layers[i].Layer.Name}\" reads {layers[i].Nodes[next[i]]!.ToJsonString()}, which no layer of the config produces (or the graph has a cycle).");

        KerasTensor[] Resolve(string key)
        {
            var list = config.Json[key] as JsonArray ?? throw new FormatException($"the functional config has no \"{key}\" array.");
            return list.Select(r =>
            {
                var k = ParseRef(r, key);
                return tensors.TryGetValue(k, out var t) ? t : throw new FormatException($"{key} names {r!.ToJsonString()}, which is not a tensor of the graph.");
            }).ToArray();
        }
        var inputs = Resolve("input_layers");
        var outputs = Resolve("output_layers");
        return new Model(inputs, outputs, config.GetStringOrNull("name"));
    }

    static (string, int) ParseRef(JsonNode? r, string where)
    {
        try
        {
            if (r is JsonArray a && a.Count >= 2 && a[0]!.GetValue<string>() is string name)
            {
                int node = a[1]!.GetValue<int>();
                int tensor = a.Count > 2 ? a[2]!.GetValue<int>() : 0;
                if (tensor != 0) throw new FormatException($"{where} refers to output {tensor} of \"{name}\"; Deepen's layers have one output.");
                return (name, node);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException)
        {
            throw new FormatException($"{where}: {r?.ToJsonString()} is not a [layer, node_index, tensor_index] reference.", e);
        }
        throw new FormatException($"{where}: {r?.ToJsonString() ?? "null"} is not a [layer, node_index, tensor_index] reference.");
    }
}
