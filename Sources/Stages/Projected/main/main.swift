import BuildProvenance
import Projected
import PipelineCore

StageMain.run(ProjectedStage.self, codeTable: codeTable)
