return Deepen.Cli.DeepenCli.Run(args);
