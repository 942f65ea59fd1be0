import BuildProvenance
import PipelineCore
import Stages

StageMain.run(TrainStage.self, builtFrom: builtSourceDigests)
