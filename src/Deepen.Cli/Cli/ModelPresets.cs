using System.Text.Json;
using System.Text.Json.Nodes;
using Deepen.Layers;
using Deepen.Models;

namespace Deepen.Cli;

/// <summary>
/// The models <c>deepen train --model</c> builds: the presets <c>seed-cnn</c> (the seed's 4-convolution CNN) and
/// <c>small-cnn</c>, or a JSON spec file <c>{"layers": [{"class_name": "Conv2D", "config": {"filters": 32, …}}, …]}</c>.
/// Every model starts with <c>Rescaling(1/255)</c> (it takes raw 0–255 pixels, so saved models need no extra
/// preprocessing) and ends with the classification head: <c>Dense(1, sigmoid)</c> for two classes, else
/// <c>Dense(classes, softmax)</c>, unless a spec file already ends in a matching Dense.
/// </summary>
public static class ModelPresets
{
    /// <summary>The preset names.</summary>
    public static readonly string[] Names = { "seed-cnn", "small-cnn" };

    /// <summary>Builds the model for images of (height, width, channels) and <paramref name="classes"/> classes.</summary>
    public static Sequential Build(string model, (int Height, int Width, int Channels) input, int classes)
    {
        CheckName(model);
        var body = model.ToLowerInvariant() switch
        {
            "seed-cnn" => SeedCnn(),
            "small-cnn" => SmallCnn(),
            _ => FromSpecFile(model),
        };
        var layers = new List<Layer> { new Rescaling(1.0 / 255, inputShape: (input.Height, input.Width, input.Channels)) };
        layers.AddRange(body);
        int units = classes == 2 ? 1 : classes;
        if (body.LastOrDefault() is not Dense { } last || last.Units != units)
            layers.Add(new Dense(units, activation: classes == 2 ? "sigmoid" : "softmax"));
        try
        {
            // The weights' shapes follow from the spec and the image size: cap them before anything is allocated.
            using var budget = ParameterBudget.Limit(ParameterBudget.MaxParameters, "the most a model may have, DEEPEN_MAX_PARAMETERS");
            return new Sequential(layers, name: Path.GetFileNameWithoutExtension(model));
        }
        catch (ParameterLimitException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--model \"{model}\" at --image-size {input.Width}x{input.Height} is too large: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, $"--model \"{model}\" does not fit --image-size {input.Width}x{input.Height} with {input.Channels} channel(s): {e.Message}", e);
        }
    }

    /// <summary>
    /// The preset <c>deepen train</c> uses when <c>--model</c> is not given: the seed's CNN when its four valid
    /// convolutions and poolings fit the image (at least 46×46), else <c>small-cnn</c>, whose "same" convolutions fit any
    /// image of 4×4 or more. Returns the choice and the reason, which the CLI prints.
    /// </summary>
    public static (string Model, string Reason) DefaultFor((int Height, int Width) size)
    {
        if (SeedCnnFits(size.Height) && SeedCnnFits(size.Width))
            return ("seed-cnn", $"the default for {size.Width}x{size.Height} images");
        return ("small-cnn", $"chosen for {size.Width}x{size.Height} images: the seed CNN needs at least {SeedCnnMinimumSide}x{SeedCnnMinimumSide}");
    }

    /// <summary>The smallest side the seed CNN's four (3×3 valid convolution, 2×2 pooling) stages fit.</summary>
    public static int SeedCnnMinimumSide { get; } = Enumerable.Range(1, 1000).First(SeedCnnFits);

    static bool SeedCnnFits(int side)
    {
        for (int stage = 0; stage < 4; stage++)
        {
            side -= 2;                       // 3×3 convolution, padding "valid"
            if (side < 2) return false;      // 2×2 max pooling needs at least 2
            side /= 2;
        }
        return true;
    }

    /// <summary>Requires a preset name or a path ending in .json (exit code 2 otherwise).</summary>
    public static void CheckName(string model)
    {
        if (Names.Contains(model.ToLowerInvariant()) || Applications.PretrainedPresets.IsImage(model) || model.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return;
        throw new CliException(ExitCodes.Usage,
            $"Invalid value for --model: \"{model}\". Expected one of {string.Join(", ", Names.Concat(Applications.PretrainedPresets.ImageNames))} (pretrained), or the path of a JSON model spec (*.json).");
    }

    /// <summary>Requires that a spec file named by <c>--model</c> exists (exit code 3 otherwise); presets always do.</summary>
    public static void CheckExists(string model)
    {
        if (!Names.Contains(model.ToLowerInvariant()) && !Applications.PretrainedPresets.IsImage(model) && !File.Exists(model))
            throw new CliException(ExitCodes.NotFound, $"--model: model spec file \"{model}\" does not exist.");
    }

    /// <summary>The seed's CNN: Conv 32/64/128/128 (3×3, ReLU), each followed by MaxPooling2D(2, 2); Flatten; Dense 512.</summary>
    static List<Layer> SeedCnn() => new()
    {
        new Conv2D(32, (3, 3), activation: "relu"), new MaxPooling2D(2, 2),
        new Conv2D(64, (3, 3), activation: "relu"), new MaxPooling2D(2, 2),
        new Conv2D(128, (3, 3), activation: "relu"), new MaxPooling2D(2, 2),
        new Conv2D(128, (3, 3), activation: "relu"), new MaxPooling2D(2, 2),
        new Flatten(), new Dense(512, activation: "relu"),
    };

    /// <summary>A small CNN for small images: Conv 32 and 64 (3×3, ReLU, "same") with pooling, Dropout, Dense 128.</summary>
    static List<Layer> SmallCnn() => new()
    {
        new Conv2D(32, (3, 3), activation: "relu", padding: "same"), new MaxPooling2D(2, 2),
        new Conv2D(64, (3, 3), activation: "relu", padding: "same"), new MaxPooling2D(2, 2),
        new Flatten(), new Dropout(0.3), new Dense(128, activation: "relu"),
    };

    static List<Layer> FromSpecFile(string path)
    {
        CheckExists(path);
        JsonObject root;
        try { root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new JsonException("empty document"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        { throw new CliException(ExitCodes.BadInput, $"Model spec \"{path}\" is not a JSON object: {e.Message}", e); }
        if (root["layers"] is not JsonArray array || array.Count == 0)
            throw new CliException(ExitCodes.BadInput, $"Model spec \"{path}\" needs a non-empty \"layers\" array of {{\"class_name\": ..., \"config\": {{...}}}} objects.");
        var layers = new List<Layer>();
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject o || o["class_name"]?.GetValue<string>() is not string cls)
                throw new CliException(ExitCodes.BadInput, $"Model spec \"{path}\": layer {i} has no \"class_name\".");
            var config = (o["config"] as JsonObject)?.DeepClone().AsObject() ?? new JsonObject();
            try { layers.Add(LayerRegistry.Create(cls, new LayerConfig(config))); }
            catch (Exception e) when (e is FormatException or ArgumentException)
            { throw new CliException(ExitCodes.BadInput, $"Model spec \"{path}\": layer {i} ({cls}): {e.Message}", e); }
        }
        return layers;
    }
}
