using System.Globalization;
using System.Text.Json;
using Deepen.Layers;
using Onnx;

namespace Deepen.Onnx;

// TextVectorization is not an ONNX op: the graph starts after it, and its vocabulary and settings go into metadata_props.
internal sealed partial class OnnxExporter
{
    /// <summary>
    /// Writes what a serving process needs to tokenize as the model did: the graph input fed with the layer's output,
    /// the vocabulary by index (a JSON array: "" = padding 0 and "[UNK]" = 1 in "int" mode), the standardization,
    /// split, n-grams, output mode and length ("" when none), the IDF weights ("tf_idf" only, a JSON array) and the
    /// layer's whole Deepen config (JSON).
    /// </summary>
    static void AddTextMetadata(ModelProto proto, TextVectorization layer, string input)
    {
        void Put(string key, string value) => proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        Put("deepen.text.input", input);
        Put("deepen.text.vocabulary", JsonSerializer.Serialize(layer.GetVocabulary()));
        Put("deepen.text.standardize", layer.Standardize ?? "");
        Put("deepen.text.split", layer.Split ?? "");
        Put("deepen.text.ngrams", layer.Ngrams?.ToString(CultureInfo.InvariantCulture) ?? "");
        Put("deepen.text.output_mode", layer.OutputMode);
        Put("deepen.text.output_sequence_length", layer.OutputSequenceLength?.ToString(CultureInfo.InvariantCulture) ?? "");
        if (layer.IdfWeights is { } idf) Put("deepen.text.idf_weights", JsonSerializer.Serialize(idf));
        Put("deepen.text.config", layer.GetConfig().Json.ToJsonString());
    }
}
