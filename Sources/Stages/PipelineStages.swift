import PipelineCore

/// The stages of this pipeline, in dependency order: the one list the driver plans from.
/// Adding a stage is a folder under `Sources/Stages/`, an executable `Sources/stage-<name>/`
/// and one line here.
public enum PipelineStages {
    public static let all: [StageDefinition] = [
        StageDefinition(DatasetStage.self),
        StageDefinition(TrainStage.self),
        StageDefinition(LineStage.self),
        StageDefinition(EigenStage.self),
        StageDefinition(PhasesStage.self),
        StageDefinition(MultiStartStage.self),
        StageDefinition(ProjectedStage.self),
        StageDefinition(SaddlesStage.self),
        StageDefinition(SweepSummaryStage.self),
        StageDefinition(FigureDataStage.self),
        StageDefinition(RenderStage.self),
        StageDefinition(ReportStage.self),
    ]
}
