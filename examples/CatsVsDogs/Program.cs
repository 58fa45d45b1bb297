// The seed's section 5.2 program (a small convnet trained from scratch on "cats vs dogs" with data augmentation,
// after Chollet's Deep Learning with Python), translated line for line from Keras to Deepen. The Python is in the
// comments; each statement below is its C# counterpart.
//
// Usage: dotnet run -c Release --project examples/CatsVsDogs -- --data DIR [--epochs N]
// DIR holds train/ and test/, one subfolder per class (make one with examples/CatsVsDogs/make-dataset.sh).
using Deepen;
using Deepen.Data.Audit;
using Deepen.Data.Images;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Optimizers;

string baseDir = ExampleArgs.Get(args, "--data") ?? throw new ArgumentException("Pass --data DIR (a folder with train/ and test/; see make-dataset.sh).");
int epochs = int.Parse(ExampleArgs.Get(args, "--epochs") ?? "30");
string trainDir = Path.Combine(baseDir, "train");            // train_dir = os.path.join(base_dir, 'train')
string testDir = Path.Combine(baseDir, "test");              // test_dir = os.path.join(base_dir, 'test')
Backend.SetRandomSeed(42);

var model = new Sequential();                                // model = models.Sequential()
model.Add(new Conv2D(32, (3, 3), activation: "relu",         // model.add(layers.Conv2D(32, (3, 3), activation='relu',
    inputShape: (150, 150, 3)));                             //                         input_shape=(150, 150, 3)))
model.Add(new MaxPooling2D((2, 2)));                         // model.add(layers.MaxPooling2D((2, 2)))
model.Add(new Conv2D(64, (3, 3), activation: "relu"));       // model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.Add(new MaxPooling2D((2, 2)));                         // model.add(layers.MaxPooling2D((2, 2)))
model.Add(new Conv2D(128, (3, 3), activation: "relu"));      // model.add(layers.Conv2D(128, (3, 3), activation='relu'))
model.Add(new MaxPooling2D((2, 2)));                         // model.add(layers.MaxPooling2D((2, 2)))
model.Add(new Conv2D(128, (3, 3), activation: "relu"));      // model.add(layers.Conv2D(128, (3, 3), activation='relu'))
model.Add(new MaxPooling2D((2, 2)));                         // model.add(layers.MaxPooling2D((2, 2)))
model.Add(new Flatten());                                    // model.add(layers.Flatten())
model.Add(new Dense(512, activation: "relu"));               // model.add(layers.Dense(512, activation='relu'))
model.Add(new Dense(1, activation: "sigmoid"));              // model.add(layers.Dense(1, activation='sigmoid'))

model.Compile(loss: "binary_crossentropy",                   // model.compile(loss='binary_crossentropy',
    optimizer: new RMSprop(learningRate: 1e-4),              //               optimizer=optimizers.RMSprop(learning_rate=1e-4),
    metrics: ["accuracy"]);                                  //               metrics=['accuracy'])

var trainDatagen = new ImageDataGenerator(                   // train_datagen = ImageDataGenerator(
    rescale: 1.0 / 255,                                      //     rescale=1./255,
    shearRange: 0.2,                                         //     shear_range=0.2,
    zoomRange: 0.2,                                          //     zoom_range=0.2,
    horizontalFlip: true);                                   //     horizontal_flip=True)
var testDatagen = new ImageDataGenerator(rescale: 1.0 / 255);  // test_datagen = ImageDataGenerator(rescale=1./255)

var trainGenerator = trainDatagen.FlowFromDirectory(         // train_generator = train_datagen.flow_from_directory(
    trainDir,                                                //     train_dir,
    targetSize: (150, 150),                                  //     target_size=(150, 150),
    batchSize: 32,                                           //     batch_size=32,
    classMode: "binary");                                    //     class_mode='binary')
var testGenerator = testDatagen.FlowFromDirectory(           // test_generator = test_datagen.flow_from_directory(
    testDir,                                                 //     test_dir,
    targetSize: (150, 150),                                  //     target_size=(150, 150),
    batchSize: 32,                                           //     batch_size=32,
    classMode: "binary",                                     //     class_mode='binary')
    audit: new AuditOptions { ReferenceDirectory = trainDir });  // (Deepen: also mark test images copied from train)

var history = model.Fit(                                     // history = model.fit(
    trainGenerator,                                          //     train_generator,
    epochs: epochs,                                          //     epochs=30,
    validationData: testGenerator);                          //     validation_data=test_generator)

var scores = model.Evaluate(testGenerator);                  // test_loss, test_acc = model.evaluate(test_generator)
Console.WriteLine($"test acc: {scores["accuracy"]:F4}");     // print('test acc:', test_acc)
